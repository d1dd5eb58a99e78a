/**
 * Where a path a command names really leads, and whether that is inside the workspace. Resolution follows what
 * the kernel will do: each existing component is looked up with lstat and symlinks are followed (dangling ones
 * too, since writing through one creates its target), `..` applies to the real directory reached so far; from the
 * first missing component on, the rest (a path the command may create) is applied lexically.
 * Checks (and pattern expansion) never look at anything outside the workspace other than its own ancestors: the
 * moment a path (or a symlink's target) leaves for anywhere else it is outside, whether or not that place exists,
 * so a command's verdict never tells the caller what exists on the host.
 * A path inside the workspace that is neither a regular file nor a directory (a FIFO, a socket, a device) asks:
 * reading a FIFO waits for a writer, and a device is not the workspace's data.
 * Nothing is cached: the workspace can change between two commands.
 */
import { lstatSync, readlinkSync, realpathSync, type Stats } from "node:fs";
import path from "node:path";
import type { Issue } from "./risks.ts";

/** Linux gives up after 40 symlinks in one lookup (ELOOP); so do we, and ask. */
const MAX_SYMLINK_HOPS = 40;

/** How a command uses a path: reading it, writing or creating it, or deleting it (never the workspace itself). */
export type PathUse = "read" | "write" | "delete";

export interface ResolvedPath {
  path: string;
  exists: boolean;
  isDirectory: boolean;
  /** What it is when it exists and is neither a regular file nor a directory (symlinks followed). */
  special?: "FIFO" | "socket" | "device";
}

/** Thrown by resolve when the path leaves the workspace (for somewhere other than one of its ancestors). */
export class LeavesWorkspace extends Error {
  /** Where the path leads, read lexically from the point it left: nothing outside is looked at. */
  readonly destination: string;
  constructor(destination: string) {
    super(`leads outside the workspace to ${destination}`);
    this.destination = destination;
  }
}

export class Workspace {
  /** The workspace's real path, or null when it cannot be resolved (then every path asks). */
  readonly root: string | null;

  constructor(dir: string) {
    let root: string | null = null;
    try {
      root = realpathSync.native(dir);
    } catch {
      root = null;
    }
    this.root = root;
  }

  /**
   * Absolute, symlink-free (up to the first missing component) form of `value`, relative to the workspace.
   * With `stayInside`, throws LeavesWorkspace instead of looking at anything outside (see the top of the file).
   */
  resolve(value: string, stayInside = false): ResolvedPath {
    if (this.root === null) throw new Error("the workspace cannot be resolved");
    const pending = value.split("/");
    let current = value.startsWith("/") ? "/" : this.root;
    let missing = false;
    let last: Stats | undefined;
    let hops = 0;
    // Meeting the same link with the same path left to walk is a loop: stop at once, not after 40 lookups.
    const seen = new Set<string>();
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        current = path.dirname(current);
        last = undefined;
        continue;
      }
      const next = current === "/" ? `/${part}` : `${current}/${part}`;
      if (stayInside && !this.insideOrAncestor(next))
        throw new LeavesWorkspace(path.posix.resolve(next, ...pending.filter((rest) => rest !== "")));
      const stats = missing ? undefined : lstatQuietly(next);
      if (!stats) {
        missing = true;
        current = next;
        continue;
      }
      if (stats.isSymbolicLink()) {
        // /proc/self, /dev/stdin...: where they lead depends on the process, and ours is not the command's.
        if (next.startsWith("/proc/")) throw new Error(`${next} leads somewhere else for each process`);
        const state = `${next}\0${pending.join("/")}`;
        if (seen.has(state) || ++hops > MAX_SYMLINK_HOPS) throw new Error(`too many symlinks in ${value}`);
        seen.add(state);
        const target = readlinkSync(next);
        pending.unshift(...target.split("/"));
        if (target.startsWith("/")) current = "/";
        continue;
      }
      current = next;
      last = stats;
    }
    // `last` is unset when the path ended on the workspace, `/` or a `..`: directories all.
    const special =
      missing || !last || last.isFile() || last.isDirectory() ? undefined : last.isFIFO() ? "FIFO" : last.isSocket() ? "socket" : "device";
    return { path: current, exists: !missing, isDirectory: !missing && (last?.isDirectory() ?? true), ...(special && { special }) };
  }

  /** The workspace, a path inside it, or one of its ancestors (`/`, the directories above it): all it may look at. */
  private insideOrAncestor(resolved: string): boolean {
    const root = this.root!;
    return resolved === root || resolved.startsWith(`${root}/`) || root.startsWith(resolved === "/" ? "/" : `${resolved}/`);
  }

  contains(resolved: string, use: PathUse): boolean {
    const root = this.root;
    if (root === null) return false;
    if (resolved === root) return use !== "delete";
    return resolved.startsWith(root === "/" ? "/" : `${root}/`);
  }

  /** Why `value` may not be used this way, or null when it stays inside the workspace. */
  check(value: string, use: PathUse): Issue | null {
    // `~` is the command's HOME, outside the workspace; a quoted `~` is rare enough to ask about too.
    if (value.startsWith("~")) return { risk: "outside-workspace", detail: `${value}: ~ is the home directory` };
    if (use === "read" && value === "/dev/null") return null;
    try {
      const resolved = this.resolve(value, true);
      if (this.contains(resolved.path, use)) return resolved.special ? specialFileIssue(value, resolved.special) : null;
      const where = resolved.path === this.root ? "the workspace itself" : resolved.path;
      return { risk: "outside-workspace", detail: resolved.path === value ? value : `${value} → ${where}` };
    } catch (error) {
      if (error instanceof LeavesWorkspace) {
        return { risk: "outside-workspace", detail: error.destination === value ? value : `${value} → ${error.destination}` };
      }
      return { risk: "outside-workspace", detail: `${value}: ${(error as Error).message}` };
    }
  }
}

function specialFileIssue(value: string, special: NonNullable<ResolvedPath["special"]>): Issue {
  if (special === "device") return { risk: "outside-workspace", detail: `${value} is a device: it is not the workspace's data` };
  return { risk: "process", detail: `${value} is a ${special}: opening it can wait on another process until the command times out` };
}

/** lstat, with "does not exist" (or "a component is not a directory") as undefined; other errors throw. */
function lstatQuietly(file: string): Stats | undefined {
  try {
    return lstatSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}
