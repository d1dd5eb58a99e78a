/**
 * Confinement with bubblewrap: the classifier only decides when to ask; this is the boundary. Built for the
 * common case of a server running as root in a container: each command gets a user namespace with no
 * capabilities, its own pid/ipc/uts/cgroup namespaces and (unless the policy allows the network) its own empty
 * network namespace, a read-only allow-list of the host's files, a private /tmp and HOME, a read-only /proc of
 * its own, a seccomp filter, and limits on processes, memory, file size and CPU time.
 * The pieces: sandbox-launcher.ts (the command line), sandbox-mounts.ts (what is visible), sandbox-seccomp.ts,
 * sandbox-cgroup.ts, sandbox-probe.ts (the start-up check of each property, from inside).
 */
import { runProbe } from "./sandbox-probe.ts";

export { DEFAULT_LIMITS, limitsLauncher, sandboxLauncher } from "./sandbox-launcher.ts";

export type SandboxMode = "auto" | "required" | "off";

/** One property the start-up probe checked from inside the sandbox. */
export interface SandboxCheck {
  name: string;
  ok: boolean;
  /** What was seen, e.g. "CapEff 0000000000000000". */
  detail: string;
}

export interface SandboxStatus {
  mode: SandboxMode;
  /** Whether commands run inside bwrap: only when bwrap works and every check holds. */
  active: boolean;
  /** For people: "sandboxed (bubblewrap)" or why not, e.g. "off (SHELL_SANDBOX=off)" or the failed checks. */
  description: string;
  /** Each isolation property checked from inside (empty when bwrap was not tried or did not start). */
  checks: SandboxCheck[];
  /** For people: how the resource limits are enforced here (cgroups, rlimits, and what is not capped). */
  limits: string;
}

/** Per-command resource limits; the settings are read by limitsFromEnv (config.ts), the defaults are DEFAULT_LIMITS. */
export interface SandboxLimits {
  /** Processes (and threads) the command may have at once. */
  maxProcesses: number;
  /** Address space per process (RLIMIT_AS), and the whole command's memory where there are cgroups, in bytes. */
  maxMemoryBytes: number;
  /** Largest file a command may write, in bytes. */
  maxFileBytes: number;
  /** CPU seconds per process. */
  maxCpuSeconds: number;
  /** Size of each of the sandbox's private, memory-backed /tmp, HOME and /dev/shm, in bytes. */
  maxTmpBytes: number;
}

export interface SandboxOptions {
  workspaceDir: string;
  /** The command's HOME (see ShellServerConfig.homeDir): present, empty and private inside the sandbox. */
  homeDir?: string;
  limits?: SandboxLimits;
  /** The policy's `network`: share the host's network namespace (and with it, its abstract unix sockets). */
  network: boolean;
}

const probes = new Map<SandboxMode, SandboxStatus>();

/**
 * Finds out, once per process and mode, whether the sandbox really holds here, by running bwrap with the same
 * flags a command gets and checking each property from inside: being installed is not enough (user namespaces
 * may be disabled, and as root a missing flag is the difference between a sandbox and none).
 */
export function probeSandbox(mode: SandboxMode): SandboxStatus {
  const cached = probes.get(mode);
  if (cached) return cached;
  const status = runProbe(mode);
  probes.set(mode, status);
  return status;
}
