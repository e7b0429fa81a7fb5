export { type RetentionRunReport, retentionJob, runRetentionTasks } from "./jobs";
export * from "./policy";
export * from "./runs";
export * from "./tasks";
