import { router } from "../trpc";
import { privacyErasureProcedures } from "./privacy-erasure";
import { privacyExportProcedures } from "./privacy-export";

/**
 * The account holder's rights (export everything, delete the account) and their clients' (export
 * one client, erase one client). See docs/privacy.md.
 */
export const privacyRouter = router({
  ...privacyExportProcedures,
  ...privacyErasureProcedures,
});
