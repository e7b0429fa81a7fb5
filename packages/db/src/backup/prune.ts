import { readdir, rm } from "node:fs/promises";
import path from "node:path";

const NAME = /^crm-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.crmbackup\.gz$/;

/**
 * Deletes the backups in `dir` written more than `retentionDays` ago (by the time in their name,
 * which a copy keeps, unlike mtime), with their checksums. Other files are left alone; the newest
 * backup is always kept, however old, so a long outage never leaves nothing to restore.
 */
export async function pruneBackups(dir: string, retentionDays: number, now: Date): Promise<string[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  const backups = entries
    .map((name) => ({ name, match: NAME.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => {
      const [, y, mo, d, h, mi, s] = match.map(Number);
      return { name, at: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) };
    })
    .sort((a, b) => b.at - a.at);
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const removed: string[] = [];
  for (const backup of backups.slice(1)) {
    if (backup.at >= cutoff) continue;
    await rm(path.join(dir, backup.name), { force: true });
    await rm(path.join(dir, `${backup.name}.sha256`), { force: true });
    removed.push(backup.name);
  }
  return removed;
}
