/**
 * Confinement with bubblewrap: the classifier only decides when to ask; this is the boundary. Each command sees
 * the host read-only, the workspace writable, a private /tmp, its own /proc and pid namespace (so it cannot read
 * the server's environment or signal its processes), and no network unless the policy file allows it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type SandboxMode = "auto" | "required" | "off";

export interface SandboxStatus {
  mode: SandboxMode;
  /** Whether commands run inside bwrap. */
  active: boolean;
  /** For people: "bubblewrap" or why not, e.g. "off (SHELL_SANDBOX=off)". */
  description: string;
}

export function parseSandboxMode(value: string | undefined): SandboxMode {
  if (value === undefined || value === "") return "auto";
  if (value === "auto" || value === "required" || value === "off") return value;
  throw new Error(`SHELL_SANDBOX must be auto, required or off, got "${value}"`);
}

/** Per-command resource limits (rlimits); see limitsFromEnv for the settings and defaults. */
export interface SandboxLimits {
  /** Processes (and threads) the command may have at once. */
  maxProcesses: number;
  /** Address space per process, in bytes. */
  maxMemoryBytes: number;
  /** Largest file a command may write, in bytes. */
  maxFileBytes: number;
  /** CPU seconds per process. */
  maxCpuSeconds: number;
}

export function limitsFromEnv(_env: Record<string, string | undefined>): SandboxLimits {
  return { maxProcesses: 256, maxMemoryBytes: 4 * 1024 ** 3, maxFileBytes: 1024 ** 3, maxCpuSeconds: 120 };
}

export interface SandboxOptions {
  workspaceDir: string;
  /** The command's HOME (see ShellServerConfig.homeDir): present and empty inside the sandbox. */
  homeDir?: string;
  limits?: SandboxLimits;
  network: boolean;
}

/** The words that run a command line in the sandbox: bwrap's own, then /bin/sh -c is appended by the runner. */
export function sandboxLauncher({ workspaceDir, network }: SandboxOptions): string[] {
  const workspace = realpathSync(workspaceDir);
  return [
    "bwrap",
    "--ro-bind", "/", "/",
    "--dev", "/dev",
    "--proc", "/proc",
    // /tmp first, so a workspace under /tmp is bound on top of the private tmpfs, not hidden by it.
    "--tmpfs", "/tmp",
    "--bind", workspace, workspace,
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    ...(network ? [] : ["--unshare-net"]),
    "--die-with-parent",
    "--new-session",
    "--chdir", workspace,
    "--",
  ];
}

const probes = new Map<string, SandboxStatus>();

/**
 * Finds out, once per process and mode, whether bwrap really works here by running it with the same flags a
 * command would get: being installed is not enough (user namespaces may be disabled, e.g. in some containers).
 */
export function probeSandbox(mode: SandboxMode): SandboxStatus {
  const cached = probes.get(mode);
  if (cached) return cached;
  const status = runProbe(mode);
  probes.set(mode, status);
  return status;
}

function runProbe(mode: SandboxMode): SandboxStatus {
  if (mode === "off") return { mode, active: false, description: "not sandboxed (SHELL_SANDBOX=off)" };
  if (process.platform !== "linux") {
    return { mode, active: false, description: `not sandboxed: bubblewrap needs Linux, this is ${process.platform}` };
  }
  const scratch = mkdtempSync(path.join(tmpdir(), "shell-sandbox-probe-"));
  try {
    const [file, ...args] = sandboxLauncher({ workspaceDir: scratch, network: false });
    // The cast only drops NODE_ENV, which Next's global types make required.
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    const result = spawnSync(file!, [...args, "/bin/sh", "-c", "true"], { timeout: 10_000, encoding: "utf8", env: env as NodeJS.ProcessEnv });
    if (result.error) return { mode, active: false, description: `not sandboxed: bwrap could not start (${result.error.message})` };
    if (result.status !== 0) {
      const why = result.stderr.trim().split("\n")[0] || `exit ${result.status ?? result.signal}`;
      return { mode, active: false, description: `not sandboxed: bwrap does not work here (${why})` };
    }
    return { mode, active: true, description: "sandboxed (bubblewrap)" };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
