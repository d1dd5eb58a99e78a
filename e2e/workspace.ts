import { mkdirSync, mkdtempSync } from "node:fs";
import path from "node:path";

/** The WORKSPACE_DIR the e2e server runs commands in; tests create and check files there. */
export const E2E_WORKSPACE = path.resolve(import.meta.dirname, ".workspace");

/** A fresh folder inside the workspace, named for the test, so tests never share files. */
export function freshFolder(prefix: string): { name: string; path: string } {
  mkdirSync(E2E_WORKSPACE, { recursive: true });
  const full = mkdtempSync(path.join(E2E_WORKSPACE, `${prefix}-`));
  return { name: path.basename(full), path: full };
}
