import { mkdirSync } from "node:fs";
import path from "node:path";

/** The repository root (bench/ sits right under it). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
export const BENCH_DIR = path.join(REPO_ROOT, "bench");
/** Scratch space for a run; gitignored. */
export const BENCH_TMP = path.join(BENCH_DIR, ".tmp");
// A fresh clone has no scratch folder yet: suites make temp dirs inside it.
mkdirSync(BENCH_TMP, { recursive: true });
/** The bench's own build folder, so it never clobbers a developer's `.next` or the e2e build. */
export const DIST_DIR = ".next-bench";
export const NEXT_BIN = path.join(REPO_ROOT, "node_modules", "next", "dist", "bin", "next");
