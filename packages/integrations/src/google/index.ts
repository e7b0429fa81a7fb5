export * from "./provider";
export * from "./sync-deps";
