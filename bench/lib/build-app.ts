/** `next build` into .next-bench, with the same Node that runs the bench. */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DIST_DIR, NEXT_BIN, REPO_ROOT } from "./paths.ts";

export async function buildApp(): Promise<number> {
  if (process.env.BENCH_SKIP_BUILD === "1" && existsSync(path.join(REPO_ROOT, DIST_DIR, "BUILD_ID"))) return 0;
  // `next build` adds its dist folder's type globs to tsconfig.json (and reformats it) when they are missing.
  // A benchmark must leave the tree as it found it, so the file is put back byte for byte afterwards.
  const tsconfig = path.join(REPO_ROOT, "tsconfig.json");
  const before = readFileSync(tsconfig);
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [NEXT_BIN, "build"], {
        cwd: REPO_ROOT,
        env: { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code}):\n${output.slice(-4000)}`))));
    });
  } finally {
    if (!readFileSync(tsconfig).equals(before)) writeFileSync(tsconfig, before);
  }
  return performance.now() - started;
}
