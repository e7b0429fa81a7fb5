export * from "./auth";
export * from "./bookings";
export * from "./clients";
export * from "./imports";
export * from "./messages";
export * from "./phone";
export * from "./time-zones";
export * from "./wall-clock";
