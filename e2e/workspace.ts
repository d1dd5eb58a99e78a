import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The WORKSPACE_DIR the e2e server runs commands in; tests create and check files there. */
export const E2E_WORKSPACE = path.resolve(import.meta.dirname, ".workspace");

/** The DATABASE_URL the e2e server stores conversations, questions and the audit trail in. */
export const E2E_DATABASE = path.resolve(import.meta.dirname, ".data", "e2e.db");

/** A fresh folder inside the workspace, named for the test, so tests never share files. */
export function freshFolder(prefix: string): { name: string; path: string } {
  mkdirSync(E2E_WORKSPACE, { recursive: true });
  const full = mkdtempSync(path.join(E2E_WORKSPACE, `${prefix}-`));
  return { name: path.basename(full), path: full };
}

/**
 * The processes (any user, sandboxed or not) whose command line mentions `fragment`, e.g. a test folder's name:
 * when none is left, a command that was stopped can no longer touch its files. Linux: read from /proc.
 */
export function commandsRunningIn(fragment: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").includes(fragment)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
