import { authRouter } from "./routers/auth";
import { settingsRouter } from "./routers/settings";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
