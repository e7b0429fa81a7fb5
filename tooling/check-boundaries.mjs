#!/usr/bin/env node
// Enforces the import boundaries DESIGN.md draws (Biome's noRestrictedImports can't allow type-only
// imports, which is exactly what web needs from api). Exits 1 listing every violation.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** Per package directory: module prefixes it may not import (value imports), and extra checks. */
const rules = [
  { dir: "packages/db/src", forbid: ["@crm/"], why: "db imports no internal package" },
  {
    dir: "packages/shared/src",
    forbid: ["@crm/", "node:", "postgres", "drizzle-orm", "fastify", "@trpc/"],
    why: "shared is pure and isomorphic (no I/O, no Node APIs)",
  },
  {
    dir: "packages/core/src",
    forbid: ["@trpc/", "fastify", "@fastify/", "pg-boss", "@crm/api", "@crm/integrations"],
    forbidInNonTests: ["@crm/testing"],
    why: "core never imports tRPC, Fastify or pg-boss, nor the layers above it",
  },
  {
    dir: "packages/api/src",
    forbid: ["@crm/integrations", "pg-boss"],
    why: "api reaches integrations through core ports",
  },
  {
    dir: "apps/web/src",
    forbid: ["@crm/core", "@crm/db", "@crm/integrations", "@crm/testing", "node:"],
    typeOnly: ["@crm/api"],
    why: "web calls the server over tRPC and imports only the AppRouter type",
  },
];
/** Configuration is read once, by each app's env.ts: packages never read it, nor does the rest of an app. */
const envDirs = [
  "packages/db/src",
  "packages/shared/src",
  "packages/core/src",
  "packages/api/src",
  "packages/integrations/src",
  ...readdirSync(path.join(root, "apps")).map((app) => `apps/${app}/src`),
];
const envReader = /^apps\/[^/]+\/src\/env\.ts$/;
const readsEnv = /process\.env\b|import\.meta\.env\b/;

const importPattern =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (entry === "node_modules" || entry === "dist") continue;
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith(".gen.ts")) yield full;
  }
}

// Tests and their helpers (*.test-util.ts) may read the environment and use the fakes.
const isTest = (file) => /\.test(-util)?\.tsx?$/.test(file);
const violations = [];
for (const rule of rules) {
  for (const file of sourceFiles(path.join(root, rule.dir))) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(importPattern)) {
      const typeOnly = Boolean(match[2]);
      const spec = match[3] ?? match[4];
      const hits = (list) => (list ?? []).some((p) => spec === p || spec.startsWith(p.endsWith("/") ? p : `${p}`));
      const bad =
        hits(rule.forbid) || (!isTest(file) && hits(rule.forbidInNonTests)) || (!typeOnly && hits(rule.typeOnly));
      if (bad)
        violations.push(`${path.relative(root, file)}: imports "${spec}"${typeOnly ? " (type)" : ""}: ${rule.why}`);
    }
  }
}
for (const dir of envDirs) {
  for (const file of sourceFiles(path.join(root, dir))) {
    const relative = path.relative(root, file).split(path.sep).join("/");
    if (isTest(file) || envReader.test(relative)) continue;
    if (readsEnv.test(readFileSync(file, "utf8")))
      violations.push(`${relative}: reads the environment: only each app's env.ts does`);
  }
}

if (violations.length) {
  console.error(`Import boundary violations (${violations.length}):\n${violations.map((v) => `  ${v}`).join("\n")}`);
  process.exit(1);
}
console.log("Import boundaries: ok");
