import { readdirSync, readFileSync } from "node:fs";

/**
 * Processes under an app instance (Linux: read from /proc). Its MCP servers are its children; once it is killed
 * they are re-parented, so a test lists them before the kill and checks afterwards that each has ended.
 */
export interface ProcessEntry {
  pid: number;
  command: string;
}

/** Every process below `root` (children, their children...), with its command line. */
export function descendantsOf(root: number): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      children.set(parent, [...(children.get(parent) ?? []), { pid: Number(entry), command }]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: ProcessEntry[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child.pid);
    }
  };
  visit(root);
  return found;
}

/**
 * Whether the process has ended. A zombie counts as ended: it runs nothing, and an orphan's zombie lingers until
 * this machine's init (which may never reap) gets to it.
 */
export function hasEnded(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}
