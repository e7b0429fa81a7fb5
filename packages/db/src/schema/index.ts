export * from "./auth";
export * from "./bookings";
export * from "./clients";
export * from "./emails";
export * from "./imports";
