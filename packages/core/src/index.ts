export * from "./auth/passwords";
export * from "./auth/sessions";
export * from "./auth/users";
export type { AuthedContext, CoreContext } from "./context";
export * from "./demo/demo";
export * from "./errors";
export * from "./ports";
export * from "./settings/settings";
export { parseInput } from "./validation";
