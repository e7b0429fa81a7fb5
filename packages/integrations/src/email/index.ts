export * from "./from-env";
export * from "./outbox-mailer";
export * from "./resend-mailer";
export * from "./resend-webhook";
export * from "./types";
