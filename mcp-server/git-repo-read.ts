/**
 * What git itself sees in the workspace, asked of git under the commands' own environment (same ceiling, same
 * forced settings) rather than parsed by hand: includes, worktree config and git's own error handling then
 * match exactly. `git config --list` and `git ls-files` only read files; they run no fsmonitor, hook, pager,
 * filter or driver (git-safety.test.ts checks this with canaries).
 */
import { spawnSync } from "node:child_process";
import { neutralGitEnv } from "./git-env.ts";

export interface ConfigEntry {
  /** "local", "worktree", or "command" for the forced settings. */
  scope: string;
  /** Where git read it, e.g. "file:.git/config" (relative to the workspace). */
  origin: string;
  /** Section and variable names lowercased by git; a subsection keeps its case. */
  key: string;
  /** null for a key written without "=" (boolean true). */
  value: string | null;
}

export type GitRead<T> = { ok: true; value: T } | { ok: false; error: string };

function git(workspaceDir: string, args: readonly string[]): GitRead<string> {
  // Only what the commands get for git; nothing of this process's own (no GIT_DIR, no HOME's config).
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", LANG: "C", ...neutralGitEnv(workspaceDir) };
  const result = spawnSync("git", args, {
    cwd: workspaceDir,
    // The cast only drops NODE_ENV, which Next's global types make required; git gets exactly this env.
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
    // A config that is a FIFO or a huge index must not hang the server: a timeout asks instead.
    timeout: 10_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) return { ok: false, error: result.error.message };
  if (result.status !== 0) {
    const why = result.stderr.trim().split("\n")[0] || `exit ${result.status ?? result.signal}`;
    return { ok: false, error: why };
  }
  return { ok: true, value: result.stdout };
}

/** Every config entry git would use for a command run in the workspace (none outside a repository). */
export function readConfig(workspaceDir: string): GitRead<ConfigEntry[]> {
  const listed = git(workspaceDir, ["config", "--list", "--show-scope", "--show-origin", "-z"]);
  if (!listed.ok) return listed;
  // -z: scope NUL origin NUL key [LF value] NUL, repeated.
  const fields = listed.value.split("\0");
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [scope = "", origin = "", pair = ""] = fields.slice(i, i + 3);
    const newline = pair.indexOf("\n");
    entries.push(
      newline < 0
        ? { scope, origin, key: pair, value: null }
        : { scope, origin, key: pair.slice(0, newline), value: pair.slice(newline + 1) },
    );
  }
  return { ok: true, value: entries };
}

/** Paths (relative to the top of the work tree) of the index's gitlinks: submodules and embedded repositories. */
export function readGitlinks(workspaceDir: string): GitRead<string[]> {
  const listed = git(workspaceDir, ["ls-files", "--stage", "-z"]);
  if (!listed.ok) return listed;
  // "<mode> <object> <stage>\t<path>"; mode 160000 is a gitlink.
  const paths = listed.value
    .split("\0")
    .filter((line) => line.startsWith("160000 "))
    .map((line) => line.slice(line.indexOf("\t") + 1));
  return { ok: true, value: paths };
}
