export * from "./auth";
export * from "./clients";
export * from "./messages";
export * from "./phone";
export * from "./time-zones";
