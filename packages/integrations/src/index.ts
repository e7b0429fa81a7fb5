export * from "./backups/backup-service";
export * from "./email";
export * from "./google";
export * from "./jobs/pg-boss";
