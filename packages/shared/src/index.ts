export * from "./auth";
export * from "./messages";
export * from "./phone";
export * from "./time-zones";
