export * from "./auth";
export * from "./bookings";
export * from "./calendar-sync";
export * from "./clients";
export * from "./emails";
export * from "./imports";
export * from "./privacy";
