/**
 * What the repository holds, read for git-safety.ts without letting git near the workspace. This process reads
 * the workspace's own files itself, and only regular files that are really inside it (no symbolic link on the
 * way, no FIFO, device or socket, no second hard link); git then parses the bytes it is handed: the config on
 * standard input, the index as a copy in a private scratch repository. So git, which runs on the host and
 * outside the sandbox, opens nothing the workspace names: no include, no `gitdir:` or `commondir` target, no
 * host file a symbolic link points to. And where bubblewrap works, git runs in the sandbox, which sees only the
 * scratch directory: git parsing bytes a stranger wrote does so with no capabilities and none of the host's
 * files. Neither command runs anything a config could name (git-safety.test.ts checks this with canaries), and
 * both have a short timeout.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { neutralGitEnv } from "./git-env.ts";
import { probeSandbox, sandboxLauncher } from "../sandbox/sandbox.ts";

export interface ConfigEntry {
  /** Section and variable names lowercased by git; a subsection keeps its case. */
  key: string;
  /** null for a key written without "=" (boolean true). Never shown to anyone: it may be a secret. */
  value: string | null;
}

export type GitRead<T> = { ok: true; value: T } | { ok: false; error: string };

/** Long enough for git to parse any real config or index; a timeout asks instead of holding the server. */
export const GIT_READ_TIMEOUT_MS = 2_000;
export const MAX_CONFIG_BYTES = 1024 * 1024;
export const MAX_INDEX_BYTES = 256 * 1024 * 1024;

export interface Walked {
  /** Each path from the workspace's first component down, with its lstat (undefined: missing), as far as it got. */
  seen: { file: string; stat: ReturnType<typeof lstatSync> }[];
  /** Why `relative` is not plainly inside the workspace (a symbolic link or a non-directory on the way), or null. */
  error: string | null;
}

/** Walks from the workspace down to `relative` with lstat, following nothing; a missing part ends the walk. */
export function walkInside(workspace: string, relative: string): Walked {
  const parts = relative.split("/").filter(Boolean);
  const seen: Walked["seen"] = [];
  if (parts.length === 0 || parts.some((part) => part === "." || part === ".."))
    return { seen, error: `${relative} is not inside the workspace` };
  for (let i = 0; i < parts.length; i++) {
    const file = path.join(workspace, ...parts.slice(0, i + 1));
    const stat = lstatSync(file, { throwIfNoEntry: false });
    seen.push({ file, stat });
    const shown = parts.slice(0, i + 1).join("/");
    if (!stat) return { seen, error: null };
    if (stat.isSymbolicLink()) return { seen, error: `${shown} is a symbolic link` };
    if (i < parts.length - 1 && !stat.isDirectory()) return { seen, error: `${shown} is not a directory` };
  }
  return { seen, error: null };
}

/** Why a file's lstat or fstat makes it something this module will not read, or null when it is a plain file. */
function notPlain(relative: string, stat: { isFile(): boolean; isFIFO(): boolean; nlink: number | bigint }): string | null {
  if (stat.isFIFO()) return `${relative} is a FIFO`;
  if (!stat.isFile()) return `${relative} is not a regular file`;
  // A second name may be a host file's: the sandbox cannot link one, but a workspace can arrive with one.
  if (Number(stat.nlink) !== 1) return `${relative} has other hard links`;
  return null;
}

/**
 * The bytes of the workspace's own regular file `relative` (e.g. ".git/config"), or null when it does not exist.
 * Refused, without opening it, when any part of the path is a symbolic link or the file is not a regular file
 * with one name; checked again on the open descriptor, so a swap in between is caught too.
 */
export function readOwnFile(workspaceDir: string, relative: string, maxBytes: number): GitRead<Buffer | null> {
  let workspace: string;
  try {
    workspace = realpathSync(workspaceDir);
  } catch {
    return { ok: true, value: null };
  }
  const walked = walkInside(workspace, relative);
  if (walked.error) return { ok: false, error: walked.error };
  const last = walked.seen.at(-1)!;
  if (!last.stat) return { ok: true, value: null };
  const before = notPlain(relative, last.stat);
  if (before) return { ok: false, error: before };

  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO swapped in after the lstat opens at once (and is refused below) instead of hanging.
    fd = openSync(last.file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
    const stat = fstatSync(fd);
    const after = notPlain(relative, stat);
    if (after) return { ok: false, error: after };
    if (stat.dev !== last.stat.dev || stat.ino !== last.stat.ino) return { ok: false, error: `${relative} changed while it was read` };
    // The path the descriptor really has: a directory on the way swapped for a symbolic link shows here.
    if (process.platform === "linux" && readlinkSync(`/proc/self/fd/${fd}`) !== last.file) {
      return { ok: false, error: `${relative} is not inside the workspace` };
    }
    if (stat.size > maxBytes) return { ok: false, error: `${relative} is larger than ${maxBytes} bytes` };
    const buffer = Buffer.alloc(stat.size);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    return { ok: true, value: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, error: `${relative} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A private directory (0700) for one git run, removed afterwards: git's current directory and scratch repository. */
function inScratch<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), "elicit-git-read-"));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Enough for git to parse a config or list an index of MAX_INDEX_BYTES (which it maps into memory). */
const READ_LIMITS = { maxProcesses: 16, maxMemoryBytes: 2 ** 30, maxFileBytes: 2 ** 20, maxCpuSeconds: 5, maxTmpBytes: 2 ** 20 };

/**
 * The sandbox's words before `git`, when it works here. SHELL_SANDBOX=off in this process's environment (the
 * server's setting) keeps bwrap from even being tried; otherwise the probe runs once per process.
 */
function sandboxWords(scratch: string): string[] {
  if (process.env.SHELL_SANDBOX === "off" || !probeSandbox("auto").active) return [];
  return sandboxLauncher({ workspaceDir: scratch, limits: READ_LIMITS, network: false });
}

/** git in the scratch directory `dir` (its current directory), in the sandbox where there is one. */
function git(dir: string, args: readonly string[], input: Buffer | undefined, extra: Record<string, string> = {}): GitRead<string> {
  // The commands' git environment (no system or global config, forced settings), with discovery stopped at the
  // scratch directory's parent; nothing of this process's own GIT_* settings.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "C",
    ...neutralGitEnv(dir),
    ...extra,
  };
  const [file = "git", ...words] = [...sandboxWords(dir), "git", ...args];
  const result = spawnSync(file, words, {
    cwd: dir,
    // The cast only drops NODE_ENV, which Next's global types make required; git gets exactly this env.
    env: env as NodeJS.ProcessEnv,
    input: input ?? Buffer.alloc(0),
    encoding: "utf8",
    timeout: GIT_READ_TIMEOUT_MS,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { ok: false, error: code === "ETIMEDOUT" ? `timed out after ${GIT_READ_TIMEOUT_MS / 1000} s` : (code ?? "git did not start") };
  }
  if (result.status !== 0)
    return { ok: false, error: quiet(result.stderr.trim().split("\n")[0] || `exit ${result.status ?? result.signal}`) };
  return { ok: true, value: result.stdout };
}

/** git's message without anything it quotes (a value, a path): it is shown to the person and the model. */
function quiet(message: string): string {
  return message
    .replace(/'[^']*'|"[^"]*"/g, "…")
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .slice(0, 120);
}

/**
 * The entries of one config file's text, as git parses it: includes are listed as keys, never followed, so this
 * reads nothing else (git-safety.ts asks for every include anyway).
 */
export function parseConfig(text: Buffer, shownAs: string): GitRead<ConfigEntry[]> {
  const listed = inScratch((dir) => git(dir, ["config", "--list", "--no-includes", "-z", "--file", "-"], text));
  if (!listed.ok) return { ok: false, error: listed.error.replace(/standard input/g, shownAs) };
  // -z: key [LF value] NUL, repeated.
  const entries = listed.value
    .split("\0")
    .filter(Boolean)
    .map((pair): ConfigEntry => {
      const newline = pair.indexOf("\n");
      return newline < 0 ? { key: pair, value: null } : { key: pair.slice(0, newline), value: pair.slice(newline + 1) };
    });
  return { ok: true, value: entries };
}

/**
 * Paths (relative to the top of the work tree) of the gitlinks (submodules, embedded repositories) in an index,
 * read by git from a copy in a scratch repository: an index that refers to other files (a split index's shared
 * index) finds none there, and git fails instead of reading them.
 */
export function listGitlinks(index: Buffer, objectFormat: "sha1" | "sha256"): GitRead<string[]> {
  const listed = inScratch((dir) => {
    const gitDir = path.join(dir, "repo");
    for (const sub of ["objects", "refs"]) mkdirSync(path.join(gitDir, sub), { recursive: true });
    writeFileSync(path.join(gitDir, "HEAD"), "ref: refs/heads/main\n");
    const format =
      objectFormat === "sha256"
        ? "\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n"
        : "\trepositoryformatversion = 0\n";
    writeFileSync(path.join(gitDir, "config"), `[core]\n${format}`);
    writeFileSync(path.join(gitDir, "index"), index);
    return git(dir, ["ls-files", "--stage", "-z"], undefined, { GIT_DIR: gitDir, GIT_WORK_TREE: dir });
  });
  if (!listed.ok) return listed;
  // "<mode> <object> <stage>\t<path>"; mode 160000 is a gitlink.
  const paths = listed.value
    .split("\0")
    .filter((line) => line.startsWith("160000 "))
    .map((line) => line.slice(line.indexOf("\t") + 1));
  return { ok: true, value: paths };
}
