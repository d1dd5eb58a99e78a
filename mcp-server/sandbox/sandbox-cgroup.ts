/**
 * One cgroup per command, where this machine lets the server make them: the only process limit the kernel
 * enforces for root (RLIMIT_NPROC does not apply to uid 0, even inside a user namespace with no capabilities),
 * and the only memory limit that covers a whole command rather than each of its processes.
 * cgroup v1 (pids and memory hierarchies) or v2 (when the server's cgroup can delegate pids and memory).
 * The cgroups are made under the server's own, so any limit the host already puts on the server still applies.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface CgroupLimits {
  processes: number;
  memoryBytes: number;
}

export interface CommandCgroups {
  /** For people: "cgroup v1 (pids, memory)", or why there are none. */
  description: string;
  /** Whether the cgroups also cap the whole command's memory (not only its processes). */
  memory: boolean;
  /** Makes the cgroups for one command with its limits; returns the cgroup.procs files it must join. */
  create?: (limits: CgroupLimits) => string[];
}

interface Mount {
  version: 1 | 2;
  /** Where the hierarchy is mounted, and the cgroup path of its mount root. */
  dir: string;
  root: string;
  controllers: string[];
}

/** The cgroup hierarchies from /proc/self/mountinfo (fields: ... root mountpoint ... - fstype source options). */
export function parseCgroupMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [before, after] = line.split(" - ");
    if (!before || !after) continue;
    const fields = before.split(" ");
    const [fstype, , options = ""] = after.split(" ");
    const root = fields[3];
    const dir = fields[4]?.replace(/\\040/g, " ");
    if (!root || !dir) continue;
    if (fstype === "cgroup2") mounts.push({ version: 2, dir, root, controllers: [] });
    if (fstype === "cgroup") mounts.push({ version: 1, dir, root, controllers: options.split(",") });
  }
  return mounts;
}

/** The directory of this process's cgroup in a hierarchy, from /proc/self/cgroup ("id:controllers:path"). */
export function ownCgroupDir(cgroupFile: string, mount: Mount): string | null {
  for (const line of cgroupFile.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    const [, names = "", cgroupPath = ""] = match;
    const same = mount.version === 2 ? names === "" : names.split(",").some((name) => mount.controllers.includes(name) && name !== "");
    if (!same) continue;
    const relative = path.posix.relative(mount.root, cgroupPath);
    if (relative.startsWith("..")) return null;
    return path.join(mount.dir, relative);
  }
  return null;
}

let counter = 0;
const made: string[] = [];

/** Removes command cgroups whose processes have all gone (rmdir refuses the others), newest last. */
function sweep(): void {
  for (let i = made.length - 1; i >= 0; i--) {
    try {
      rmdirSync(made[i]!);
      made.splice(i, 1);
    } catch {
      // Still in use, or already gone: tried again next time.
    }
  }
}

/** Whether a process is alive (EPERM: alive, someone else's). Exported for the data files' cleanup too. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes what servers that were killed (no exit handler ran) left: their empty cgroups. */
function removeStale(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = /^elicit-shell-(\d+)$/.exec(name)?.[1];
    if (!pid || processAlive(Number(pid))) continue;
    const dir = path.join(parent, name);
    try {
      for (const child of readdirSync(dir)) if (child.startsWith("cmd-")) rmdirSync(path.join(dir, child));
      rmdirSync(dir);
    } catch {
      // Something still runs in it: left alone.
    }
  }
}

function base(parent: string): string {
  removeStale(parent);
  const dir = path.join(parent, `elicit-shell-${process.pid}`);
  if (!existsSync(dir)) {
    mkdirSync(dir);
    process.once("exit", () => {
      sweep();
      try {
        rmdirSync(dir);
      } catch {
        // Something still runs in it; nothing more to do at exit.
      }
    });
  }
  return dir;
}

function child(parent: string, files: Record<string, string>, optional: Record<string, string> = {}): string {
  const dir = path.join(parent, `cmd-${++counter}`);
  mkdirSync(dir);
  made.push(dir);
  for (const [file, value] of Object.entries(files)) writeFileSync(path.join(dir, file), value);
  for (const [file, value] of Object.entries(optional)) {
    try {
      writeFileSync(path.join(dir, file), value);
    } catch {
      // Swap accounting is often off; the memory limit alone still holds.
    }
  }
  return path.join(dir, "cgroup.procs");
}

function v1(pidsParent: string, memoryParent: string | null): CommandCgroups {
  const pids = base(pidsParent);
  const memory = memoryParent ? base(memoryParent) : null;
  return {
    description: `cgroup v1 (pids${memory ? ", memory" : ""})`,
    memory: memory !== null,
    create: ({ processes, memoryBytes }) => {
      sweep();
      const procs = [child(pids, { "pids.max": String(processes) })];
      if (memory)
        procs.push(child(memory, { "memory.limit_in_bytes": String(memoryBytes) }, { "memory.memsw.limit_in_bytes": String(memoryBytes) }));
      return procs;
    },
  };
}

function v2(parent: string): CommandCgroups {
  const ours = base(parent);
  const enabled = () => readFileSync(path.join(ours, "cgroup.controllers"), "utf8").split(/\s+/);
  // Delegation fails (EBUSY) when the server's own cgroup holds processes and is not the root: then no cgroups.
  if (!enabled().includes("pids")) writeFileSync(path.join(parent, "cgroup.subtree_control"), "+pids +memory");
  const memory = enabled().includes("memory");
  writeFileSync(path.join(ours, "cgroup.subtree_control"), memory ? "+pids +memory" : "+pids");
  return {
    description: `cgroup v2 (pids${memory ? ", memory" : ""})`,
    memory,
    create: ({ processes, memoryBytes }) => {
      sweep();
      return [
        child(
          ours,
          { "pids.max": String(processes), ...(memory && { "memory.max": String(memoryBytes) }) },
          memory ? { "memory.swap.max": "0" } : {},
        ),
      ];
    },
  };
}

let detected: CommandCgroups | undefined;

/** Finds out once whether this process can make cgroups with a pids limit, by making one. */
export function commandCgroups(): CommandCgroups {
  if (detected) return detected;
  try {
    const mounts = parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"));
    const own = readFileSync("/proc/self/cgroup", "utf8");
    const dirOf = (mount: Mount | undefined) => (mount ? ownCgroupDir(own, mount) : null);
    const pids1 = dirOf(mounts.find((m) => m.version === 1 && m.controllers.includes("pids")));
    const unified = dirOf(mounts.find((m) => m.version === 2));
    let cgroups: CommandCgroups;
    if (pids1) cgroups = v1(pids1, dirOf(mounts.find((m) => m.version === 1 && m.controllers.includes("memory"))));
    else if (unified && existsSync(path.join(unified, "cgroup.controllers"))) cgroups = v2(unified);
    else throw new Error("no cgroup hierarchy with the pids controller is mounted");
    // Proves the limits can be written, not only the directories made.
    cgroups.create!({ processes: 1, memoryBytes: 1 << 30 });
    sweep();
    detected = cgroups;
  } catch (error) {
    detected = { description: `no cgroups (${error instanceof Error ? error.message : String(error)})`, memory: false };
  }
  return detected;
}
