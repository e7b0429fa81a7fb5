export * from "./fake-resend";
