export * from "./email";
export * from "./jobs/pg-boss";
