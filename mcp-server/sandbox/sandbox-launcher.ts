/**
 * The words that start a command in the sandbox; the runner appends `/bin/sh -c command`. In order:
 * a tiny /bin/sh that joins the command's cgroups and opens the seccomp filter on fd 3 (both only where they
 * exist), bwrap, then prlimit inside the sandbox's user namespace, which exec's the command's shell.
 */
import { existsSync, realpathSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { commandCgroups } from "./sandbox-cgroup.ts";
import { SANDBOX_UID, sandboxDataFile, systemBinds } from "./sandbox-mounts.ts";
import { seccompProgram } from "./sandbox-seccomp.ts";
import type { SandboxLimits, SandboxOptions } from "./sandbox.ts";

/** bubblewrap's own processes in the command's cgroup: the monitor outside and the init inside its pid namespace. */
const BWRAP_PROCESSES = 2;

let help: string | undefined;
/** Flags this bwrap knows (0.8 added --disable-userns and --size); older ones still get the rest. */
function bwrapSupports(flag: string): boolean {
  help ??= spawnSync("bwrap", ["--help"], { encoding: "utf8", timeout: 5_000 }).stdout ?? "";
  return help.includes(flag);
}

let prlimit: string | null | undefined;
/** prlimit must be under /usr to exist inside the sandbox too. */
export function prlimitPath(): string | null {
  if (prlimit === undefined) {
    const found = ["/usr/bin/prlimit", "/bin/prlimit"].find((file) => existsSync(file));
    prlimit = found && realpathSync(found).startsWith("/usr/") ? realpathSync(found) : null;
  }
  return prlimit;
}

/**
 * rlimits for the command and everything it starts. RLIMIT_NPROC only inside the sandbox: there it counts the
 * sandbox's own user namespace; outside it would count every process of the server's user.
 */
function rlimitWords(limits: SandboxLimits, processes: boolean): string[] {
  const file = prlimitPath();
  if (!file) return [];
  return [
    file,
    ...(processes ? [`--nproc=${limits.maxProcesses}`] : []),
    `--as=${limits.maxMemoryBytes}`,
    `--fsize=${limits.maxFileBytes}`,
    `--cpu=${limits.maxCpuSeconds}`,
    // A core file would land in the workspace, as large as the process.
    "--core=0",
    "--",
  ];
}

// $1 = seccomp file or "", then cgroup.procs files up to "--", then the command. 125 is "could not even start".
const WRAPPER = [
  "filter=$1; shift",
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift',
  'if [ -n "$filter" ]; then exec "$@" 3< "$filter"; fi',
  'exec "$@"',
].join("\n");

function wrap(filter: string | null, limits: SandboxLimits, command: string[]): string[] {
  const cgroups = commandCgroups().create?.({ processes: limits.maxProcesses + BWRAP_PROCESSES, memoryBytes: limits.maxMemoryBytes }) ?? [];
  if (!filter && cgroups.length === 0) return command;
  return ["/bin/sh", "-c", WRAPPER, "elicit-sandbox", filter ?? "", ...cgroups, "--", ...command];
}

let program: Buffer | null | undefined;
function seccompFile(): string | null {
  if (program === undefined) program = seccompProgram();
  return program ? sandboxDataFile("seccomp.bpf", program) : null;
}

function tmpfs(dir: string, mode: string, bytes: number): string[] {
  return [
    ...(bwrapSupports("--perms") ? ["--perms", mode] : []),
    ...(bwrapSupports("--size") ? ["--size", String(bytes)] : []),
    "--tmpfs",
    dir,
  ];
}

export const DEFAULT_LIMITS: SandboxLimits = {
  maxProcesses: 256,
  maxMemoryBytes: 4096 * 2 ** 20,
  maxFileBytes: 1024 * 2 ** 20,
  maxCpuSeconds: 120,
  maxTmpBytes: 512 * 2 ** 20,
};

/** The words that run a command line in the sandbox: see the module comment; /bin/sh -c is appended by the runner. */
export function sandboxLauncher({ workspaceDir, homeDir, limits = DEFAULT_LIMITS, network }: SandboxOptions): string[] {
  const workspace = realpathSync(workspaceDir);
  const filter = seccompFile();
  const bwrap = [
    "bwrap",
    // An ordinary uid in a user namespace of its own, with every capability dropped (also from the bounding
    // set): as root, the command is still uid 0 to the kernel for files, but can mount, trace or unshare nothing.
    "--unshare-user",
    "--uid",
    String(SANDBOX_UID),
    "--gid",
    String(SANDBOX_UID),
    "--cap-drop",
    "ALL",
    ...(bwrapSupports("--disable-userns") ? ["--disable-userns"] : []),
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    ...(network ? [] : ["--unshare-net"]),
    "--hostname",
    "sandbox",
    "--die-with-parent",
    "--new-session",
    ...systemBinds(network, homeDir),
    // A /proc of its own pid namespace, read-only: /proc/sys is writable by uid 0 without any capability
    // (core_pattern would run a program as the host's root), and bwrap leaves it writable otherwise.
    "--proc",
    "/proc",
    "--remount-ro",
    "/proc",
    // A minimal /dev, read-only but for its devices, with a /dev/shm as small as /tmp: bwrap's /dev is
    // otherwise a writable tmpfs of half the machine's memory, a way around the /tmp limit.
    "--dev",
    "/dev",
    ...tmpfs("/dev/shm", "1777", limits.maxTmpBytes),
    "--remount-ro",
    "/dev",
    // /tmp first, so a workspace under /tmp is bound on top of the private tmpfs, not hidden by it.
    ...tmpfs("/tmp", "1777", limits.maxTmpBytes),
    "--bind",
    workspace,
    workspace,
    // HOME last: present, empty and private even if it lies under /tmp or the workspace.
    ...(homeDir ? tmpfs(homeDir, "0700", limits.maxTmpBytes) : []),
    ...(filter ? ["--seccomp", "3"] : []),
    "--chdir",
    workspace,
    "--",
    ...rlimitWords(limits, true),
  ];
  return wrap(filter, limits, bwrap);
}

/**
 * The words that apply the limits to a command run without the sandbox (SHELL_SANDBOX=off, or auto where it
 * does not work): cgroups where available and the rlimits, but no RLIMIT_NPROC (see rlimitWords).
 */
export function limitsLauncher(limits: SandboxLimits = DEFAULT_LIMITS): string[] {
  return wrap(null, limits, rlimitWords(limits, false));
}

/** Which limits hold for a whole command here, beyond the per-process rlimits. */
export function limitEnforcement(): { processes: boolean; totalMemory: boolean } {
  const cgroups = commandCgroups();
  // RLIMIT_NPROC is never enforced for uid 0 (the kernel exempts root's user), user namespace or not.
  return { processes: Boolean(cgroups.create) || (process.getuid?.() !== 0 && prlimitPath() !== null), totalMemory: cgroups.memory };
}

/** For people: how the limits are enforced on this machine. */
export function describeLimitEnforcement(): string {
  const cgroups = commandCgroups();
  const rlimits = prlimitPath() ? "rlimits (prlimit)" : "no rlimits (prlimit not found under /usr)";
  const processes = cgroups.create
    ? "processes capped by the cgroup"
    : limitEnforcement().processes
      ? "processes capped by RLIMIT_NPROC in the sandbox's user namespace"
      : "processes NOT capped: RLIMIT_NPROC does not apply to root and there are no usable cgroups";
  return `${cgroups.description}; ${rlimits}; ${processes}`;
}
