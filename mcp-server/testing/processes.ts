/**
 * Test helper: whether a command's processes are still there, read from /proc. Sandboxed processes live in pid
 * namespaces of their own, but the host's /proc lists them too, so a test can wait for a command to be gone
 * instead of sleeping through the time it would have taken.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Whether any process has `marker` in its command line (give the command a word no other test uses). */
export function processRunning(marker: string): boolean {
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(marker)) return true;
    } catch {
      // Gone between the listing and the read.
    }
  }
  return false;
}
