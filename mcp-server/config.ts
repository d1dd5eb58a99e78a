import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { neutralGitEnv } from "./git/git-safety.ts";
import { policyFromEnv, type PolicyLoad } from "./policy/prefix-rules.ts";
import { limitsFromEnv, parseSandboxMode, probeSandbox, type SandboxLimits, type SandboxStatus } from "./sandbox/sandbox.ts";

export interface ShellServerConfig {
  workspaceDir: string;
  /**
   * HOME for commands: an empty directory of this process's own, outside the workspace, so dotfiles committed in
   * a cloned repository (`.gitconfig`, `.npmrc`...) are never read as the user's own.
   */
  homeDir: string;
  /** Resource limits for each command (processes, memory, file size, CPU time). */
  limits: SandboxLimits;
  /** How long the server waits for a person's answer; the client should answer (cancel) before this. */
  elicitationTimeoutMs: number;
  defaultCommandTimeoutMs: number;
  maxCommandTimeoutMs: number;
  maxOutputChars: number;
  /** The whole environment a command sees: nothing of the server's own beyond these. */
  commandEnv: Record<string, string>;
  /** The policy file's rules (or the built-in policy) and any problems that made the server ignore the file. */
  policy: PolicyLoad;
  sandbox: SandboxStatus;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return parsed;
}

export function configFromEnv(env: Record<string, string | undefined> = process.env): ShellServerConfig {
  const workspaceDir = path.resolve(env.WORKSPACE_DIR || "workspace");
  mkdirSync(workspaceDir, { recursive: true });
  const homeDir = commandHome();
  const elicitationTimeoutMs = positiveInt(env.ELICITATION_TIMEOUT_MS, 300_000, "ELICITATION_TIMEOUT_MS");
  return {
    workspaceDir,
    // A margin past the client's own timeout, so the client's "expired" (cancel) is what ends the wait.
    elicitationTimeoutMs: elicitationTimeoutMs + 30_000,
    defaultCommandTimeoutMs: positiveInt(env.COMMAND_TIMEOUT_MS, 30_000, "COMMAND_TIMEOUT_MS"),
    maxCommandTimeoutMs: positiveInt(env.COMMAND_MAX_TIMEOUT_MS, 120_000, "COMMAND_MAX_TIMEOUT_MS"),
    maxOutputChars: positiveInt(env.COMMAND_MAX_OUTPUT_CHARS, 30_000, "COMMAND_MAX_OUTPUT_CHARS"),
    policy: policyFromEnv(env),
    sandbox: probeSandbox(parseSandboxMode(env.SHELL_SANDBOX)),
    homeDir,
    limits: limitsFromEnv(env),
    commandEnv: {
      PATH: commandPath(env.PATH, workspaceDir),
      HOME: homeDir,
      ...neutralGitEnv(workspaceDir),
      LANG: env.LANG ?? "C.UTF-8",
      PAGER: "cat",
      GIT_PAGER: "cat",
      TERM: "dumb",
    },
  };
}

/**
 * The server's PATH without entries a command's own files could answer: relative ones (`.`, `node_modules/.bin`)
 * resolve in the workspace, and so would anything under it, so a planted `git-remote-x` or `ls` would run.
 */
export function commandPath(pathValue: string | undefined, workspaceDir: string): string {
  const entries = (pathValue ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  const safe = entries.filter((entry) => path.isAbsolute(entry) && !isInside(path.resolve(entry), workspaceDir));
  return safe.length > 0 ? [...new Set(safe)].join(":") : "/usr/bin:/bin";
}

function isInside(dir: string, workspaceDir: string): boolean {
  return dir === workspaceDir || dir.startsWith(workspaceDir + path.sep);
}

let home: string | undefined;

/** One empty HOME per process, removed when it exits. */
function commandHome(): string {
  if (!home) {
    const dir = mkdtempSync(path.join(tmpdir(), "elicit-shell-home-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return home;
}

/** Startup lines for the log: what the server will do, and every problem that made it ignore the policy file. */
export function describeConfig(config: ShellServerConfig): string[] {
  const { policy, sandbox, limits } = config;
  const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
  return [
    `workspace ${config.workspaceDir}`,
    sandbox.active ? "commands run sandboxed (bubblewrap)" : `WARNING: commands run ${sandbox.description}`,
    // Every property the probe checked, so a log shows which one failed, not only that one did.
    ...sandbox.checks.map((check) => `sandbox check ${check.ok ? "ok" : "FAILED"}: ${check.name}: ${check.detail}`),
    sandbox.active
      ? `limits per command: ${limits.maxProcesses} processes, ${mb(limits.maxMemoryBytes)} memory, ${mb(limits.maxFileBytes)} per file, ` +
        `${limits.maxCpuSeconds} s CPU per process, ${mb(limits.maxTmpBytes)} each for /tmp, HOME and /dev/shm; ${sandbox.limits}`
      : "WARNING: no resource limits on commands outside the sandbox",
    ...policy.problems.map((problem) => `policy file ignored, using the built-in policy: ${problem}`),
    policy.source ? `policy file ${policy.source}${policy.rules.network ? " (network allowed in the sandbox)" : ""}` : "built-in policy",
  ];
}
