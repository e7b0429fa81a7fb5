export * from "./db";
export * from "./factories";
export * from "./fake-resend";
