import { type Command, parseCommandLine } from "../command";
import { ArgumentError } from "../usage-error";

export const resetPasswordCommand: Command = {
  name: "reset-password",
  summary: "Print a one-hour password reset link for an account",
  usage: `Usage: pnpm crm reset-password --user EMAIL

Prints a password reset link for the account, for an operator to hand over when email cannot reach
its owner (no email provider configured, or a lost mailbox). The link works once, for one hour, and
voids any earlier reset link; opening it sets a new password and ends every session of the account.
Links use APP_URL (default http://localhost:3000).

Options:
  --user EMAIL  The account's sign-in address (required)
  -h, --help    Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, { user: { type: "string" } });
    if (!values.user) throw new ArgumentError("reset-password needs --user EMAIL");
    const { createPasswordResetLink, findUserByEmail, loadCliEnv, openDatabase, systemClock } = await import(
      "../runtime"
    );
    const env = loadCliEnv();
    const database = await openDatabase(env);
    try {
      const ctx = { db: database.db, clock: systemClock, appUrl: env.APP_URL };
      const user = await findUserByEmail(ctx, values.user);
      if (!user) {
        console.error(`crm: no account signs in with ${values.user}`);
        return 1;
      }
      const { link, expiresAt } = await createPasswordResetLink(ctx, user.id);
      console.log(`Password reset link for ${user.email} (works once, until ${expiresAt.toISOString()}):`);
      console.log(link);
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
