/**
 * Test helper for the sandbox suites: run a command exactly as run_command does after a person approved it,
 * sandboxed or not, and the skip rule the suites share. sandbox.test.ts covers the same path through the server.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { configFromEnv } from "../config.ts";
import { runCommand, type RunResult } from "../run/run-command.ts";
import { probeSandbox, sandboxLauncher } from "../sandbox/sandbox.ts";

export const sandboxWorks = probeSandbox("auto").active;
/** CI sets SHELL_SANDBOX=required: there the suites must run, and fail if the sandbox does not work. */
export const sandboxRequired = process.env.SHELL_SANDBOX === "required";
export const skipSandboxSuites = !sandboxWorks && !sandboxRequired;
export const isRoot = process.getuid?.() === 0;

export type Output = RunResult & { sandboxed: boolean };

/**
 * One command as run_command runs it once approved: the server's own config from this environment (so the
 * SHELL_LIMIT_* settings go through limitsFromEnv), its command environment, and the launcher it would use.
 * Sandboxed (and refused if the sandbox does not hold) unless `sandbox: "off"`.
 */
export async function runIn(
  workspace: string,
  command: string,
  options: { sandbox?: "required" | "off"; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Output> {
  const config = configFromEnv({
    PATH: process.env.PATH,
    WORKSPACE_DIR: workspace,
    SHELL_SANDBOX: options.sandbox ?? "required",
    ...options.env,
  });
  const sandboxed = options.sandbox !== "off";
  if (sandboxed && !config.sandbox.active) throw new Error(`the sandbox does not hold here: ${config.sandbox.description}`);
  const launcher = sandboxed
    ? sandboxLauncher({
        workspaceDir: config.workspaceDir,
        homeDir: config.homeDir,
        limits: config.limits,
        network: config.policy.rules.network,
      })
    : [];
  const result = await runCommand({
    command,
    cwd: config.workspaceDir,
    env: config.commandEnv,
    timeoutMs: options.timeoutMs ?? 15_000,
    maxOutputChars: 50_000,
    launcher,
  });
  return { ...result, sandboxed };
}

/** A directory outside both the workspace and /tmp (which is private inside), removed by the returned function. */
export function outsideDir(prefix: string): { dir: string; remove: () => void } {
  // /var/tmp is not under the workspace and, unlike /tmp, is the same directory inside a bwrap that binds "/".
  const base = ["/var/tmp", tmpdir()].find((candidate) => {
    try {
      rmSync(mkdtempSync(path.join(candidate, ".probe-")), { recursive: true });
      return true;
    } catch {
      return false;
    }
  })!;
  const dir = mkdtempSync(path.join(base, prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** bwrap as the sandbox was before: the host read-only, but root's capabilities kept. Only for contrast. */
export function legacyBwrap(script: string) {
  const args = [
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--unshare-pid",
    "--die-with-parent",
    "--",
    "/bin/sh",
    "-c",
    script,
  ];
  return spawnSync("bwrap", args, { encoding: "utf8", timeout: 10_000 });
}

export async function listen(server: Server, ...args: unknown[]): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(...(args as []), resolve));
  return server;
}
