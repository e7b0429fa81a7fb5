export * from "./data-key";
export * from "./fingerprint";
export * from "./key-file";
