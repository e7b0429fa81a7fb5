import { activityRouter } from "./routers/activity";
import { authRouter } from "./routers/auth";
import { bookingsRouter } from "./routers/bookings";
import { calendarFeedRouter } from "./routers/calendar-feed";
import { calendarSyncRouter } from "./routers/calendar-sync";
import { clientsRouter } from "./routers/clients";
import { emailsRouter } from "./routers/emails";
import { importsRouter } from "./routers/imports";
import { jobsRouter } from "./routers/jobs";
import { notesRouter } from "./routers/notes";
import { pipelineRouter } from "./routers/pipeline";
import { privacyRouter } from "./routers/privacy";
import { settingsRouter } from "./routers/settings";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  clients: clientsRouter,
  notes: notesRouter,
  pipeline: pipelineRouter,
  activity: activityRouter,
  bookings: bookingsRouter,
  calendarFeed: calendarFeedRouter,
  calendarSync: calendarSyncRouter,
  jobs: jobsRouter,
  emails: emailsRouter,
  imports: importsRouter,
  privacy: privacyRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
