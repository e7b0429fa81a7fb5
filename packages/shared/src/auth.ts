import { z } from "zod";
import { isPhoneRegion } from "./phone";
import { text } from "./text";
import { isValidTimeZone } from "./time-zones";

export const PASSWORD_MIN_LENGTH = 10;

export const emailSchema = text({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email is too long")
  .pipe(z.email({ error: "Enter a valid email address" }));

export const passwordSchema = text({ error: "Password is required" })
  .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, "Password must be at most 256 characters");

export const nameSchema = text({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters");

export const timeZoneSchema = text({ error: "Time zone is required" }).refine(isValidTimeZone, {
  error: "Choose a valid IANA time zone, such as Europe/Berlin",
});

export const phoneRegionSchema = text({ error: "Phone region is required" })
  .trim()
  .toUpperCase()
  .refine(isPhoneRegion, { error: "Choose a valid country code, such as US or DE" });

export const signupInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  timeZone: timeZoneSchema.optional(),
});
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z.object({
  email: emailSchema,
  // No length rule on sign-in: an old password must still be accepted, and the answer must not hint.
  password: text({ error: "Password is required" }).min(1, "Password is required").max(256),
});
export type LoginInput = z.infer<typeof loginInput>;

export const changePasswordInput = z.object({
  currentPassword: text().min(1, "Current password is required").max(256),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
