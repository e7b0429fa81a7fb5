import type { Command } from "../command";
import { backupCommand } from "./backup";
import { createUserCommand } from "./create-user";
import { exportCommand } from "./export";
import { importCommand } from "./import";
import { migrateCommand } from "./migrate";
import { purgeCommand } from "./purge";
import { resetPasswordCommand } from "./reset-password";
import { restoreCommand } from "./restore";
import { rotateKeyCommand } from "./rotate-key";
import { seedCommand } from "./seed";
import { workerCommand } from "./worker";

/** Every `crm` command, in the order the overview lists them. */
export const commands: readonly Command[] = [
  migrateCommand,
  createUserCommand,
  resetPasswordCommand,
  seedCommand,
  importCommand,
  exportCommand,
  workerCommand,
  purgeCommand,
  backupCommand,
  restoreCommand,
  rotateKeyCommand,
];
