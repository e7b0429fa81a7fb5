import type { AppRouter } from "@crm/api";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;

/** A booking as the API returns it (dates stay Dates through superjson). */
export type BookingView = Outputs["bookings"]["get"];
