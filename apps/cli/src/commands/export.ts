import { type Command, parseCommandLine } from "../command";
import { ArgumentError } from "../usage-error";

export const exportCommand: Command = {
  name: "export",
  summary: "Export everything an account holds to a zip file",
  usage: `Usage: pnpm crm export --user EMAIL --out FILE

Writes everything the account holds (profile, clients, notes, pipeline stages, bookings, activity,
emails, imports, the Google connection without its tokens) to FILE as a zip, each kind as JSON and
as CSV: the same file the account holder downloads from Settings. Notes are decrypted with the
data key (DATA_ENCRYPTION_KEY or the key file under CRM_DATA_DIR). Progress goes to stderr.

Options:
  --user EMAIL  The account to export (required)
  --out FILE    Where to write the zip (required); replaced only once the export is complete
  -h, --help    Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, { user: { type: "string" }, out: { type: "string" } });
    if (!values.user || !values.out) throw new ArgumentError("export needs --user EMAIL and --out FILE");
    const { exportToFile } = await import("../export-command");
    return exportToFile({ email: values.user, out: values.out });
  },
};
