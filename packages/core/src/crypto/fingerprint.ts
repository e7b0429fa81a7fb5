import { schema } from "@crm/db";
import { eq } from "drizzle-orm";
import type { CoreContext } from "../context";
import { type DataKey, DataKeyError, dataKeyFingerprint } from "./data-key";

/**
 * Binds the database to the data key: the first start records the key's fingerprint; every later
 * start (any host, any process) must present the same key. Without this, a second host configured
 * with another key would seal values nobody else can open.
 */
export async function checkDataKeyFingerprint(
  ctx: Pick<CoreContext, "db">,
  dataKey: DataKey,
): Promise<"recorded" | "matched"> {
  const fingerprint = dataKeyFingerprint(dataKey.key);
  const inserted = await ctx.db
    .insert(schema.encryptionKeys)
    .values({ version: dataKey.version, fingerprint })
    .onConflictDoNothing()
    .returning({ version: schema.encryptionKeys.version });
  if (inserted.length > 0) return "recorded";
  const [recorded] = await ctx.db
    .select({ fingerprint: schema.encryptionKeys.fingerprint })
    .from(schema.encryptionKeys)
    .where(eq(schema.encryptionKeys.version, dataKey.version));
  if (recorded?.fingerprint === fingerprint) return "matched";
  throw new DataKeyError(
    `the data encryption key (version ${dataKey.version}) is not the one this database was set up with: ` +
      "values sealed with the recorded key would be unreadable. Configure the original key on every process " +
      "(DATA_ENCRYPTION_KEY, DATA_ENCRYPTION_PREVIOUS_KEYS or the data-encryption key files); a new key takes " +
      "the next version (DATA_ENCRYPTION_KEY=<version>:<base64>, see docs/privacy.md).",
  );
}
