export * from "./data-key";
export * from "./field-seal";
export * from "./fingerprint";
export * from "./key-file";
export * from "./resolve-keys";
export * from "./rotate";
export * from "./sensitive";
