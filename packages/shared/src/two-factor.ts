import { z } from "zod";
import { text } from "./text";

/** Digits in a TOTP code; recovery codes are 10 letters and digits shown as xxxxx-xxxxx. */
export const TOTP_DIGITS = 6;
export const RECOVERY_CODE_COUNT = 10;

/** A code from the authenticator app (6 digits; spaces tolerated as apps show "123 456"). */
export const totpCodeSchema = text({ error: "Code is required" })
  .transform((value) => value.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app"));

/** A TOTP code or a recovery code: the sign-in's second step accepts either. */
export const secondFactorCodeSchema = text({ error: "Code is required" })
  .trim()
  .min(1, "Code is required")
  .max(64, "Code is too long");

export const enableTwoFactorInput = z.object({ code: totpCodeSchema });
export type EnableTwoFactorInput = z.infer<typeof enableTwoFactorInput>;

export const disableTwoFactorInput = z.object({
  password: text({ error: "Password is required" }).min(1, "Password is required").max(256),
});
export type DisableTwoFactorInput = z.infer<typeof disableTwoFactorInput>;

export const verifyTwoFactorInput = z.object({ code: secondFactorCodeSchema });
export type VerifyTwoFactorInput = z.infer<typeof verifyTwoFactorInput>;

/** What both sides say about two-factor sign-in. */
export const twoFactorMessages = {
  challengeExpired: "Your sign-in took longer than 5 minutes. Enter your password again.",
  wrongCode: "That code is not right. Check the code in your authenticator app and try again.",
  codeAlreadyUsed: "That code was already used. Wait for the next code in your app.",
  notSetUp: "Start the two-factor setup first.",
  alreadyOn: "Two-factor sign-in is already on.",
  wrongPassword: "Password is incorrect",
} as const;
