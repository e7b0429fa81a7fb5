export * from "./db";
export * from "./factories";
