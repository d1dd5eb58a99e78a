/**
 * Test helper: real repositories in temporary directories, and a canary program that leaves a line in a log
 * file whenever anything runs it. Setup uses a plain git with no config of the machine's own, and writes the
 * hostile settings last, so building a repository never runs them.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Enough for setup: no system or global config, a fixed identity, and not the test process's GIT_* settings. */
export const setupEnv: Record<string, string> = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  LANG: "C",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Setup",
  GIT_AUTHOR_EMAIL: "setup@example.invalid",
  GIT_COMMITTER_NAME: "Setup",
  GIT_COMMITTER_EMAIL: "setup@example.invalid",
};

export function git(cwd: string, ...args: string[]): string {
  // The cast only drops NODE_ENV, which Next's global types make required.
  return execFileSync("git", args, { cwd, env: setupEnv as NodeJS.ProcessEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export function write(file: string, text: string, executable = false): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (executable) chmodSync(file, 0o755);
  return file;
}

export interface Canary {
  /** Absolute path of the program; it appends its name and arguments to the log and prints nothing. */
  program: string;
  /** Lines logged since the last reset, one per run. */
  runs(): string[];
  reset(): void;
}

/** A canary inside `dir`, so it is visible (and its log writable) inside the sandbox when dir is the workspace. */
export function canaryIn(dir: string): Canary {
  const log = path.join(dir, "canary.log");
  const program = write(path.join(dir, "canary.sh"), `#!/bin/sh\necho "ran: $0 $*" >> '${log}'\n`, true);
  return {
    program,
    runs: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
    reset: () => rmSync(log, { force: true }),
  };
}

/**
 * A repository at `dir` with one commit of f.txt and an uncommitted change to it (so `git diff` has work to
 * do), an identity in its config (harmless, and `git commit` needs one), and a clean index.
 */
export function cleanRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.name", "Someone");
  git(dir, "config", "user.email", "someone@example.invalid");
  write(path.join(dir, "f.txt"), "one\n");
  git(dir, "add", "f.txt");
  git(dir, "commit", "-q", "-m", "first");
  write(path.join(dir, "f.txt"), "one\ntwo\n");
  return dir;
}

/** Writes `key = value` into the repository's own config, as a cloned or unpacked repository would carry it. */
export function setConfig(repo: string, entries: Record<string, string>, file = path.join(repo, ".git/config")): string {
  for (const [key, value] of Object.entries(entries)) git(repo, "config", "--file", file, "--add", key, value);
  return repo;
}

/** A commit whose signature any gpg program is asked to check; `git log` on it runs gpg.program. */
export function signedCommit(repo: string, branch: string): void {
  const tree = git(repo, "write-tree").trim();
  const body = `tree ${tree}\nauthor A <a@example.invalid> 0 +0000\ncommitter A <a@example.invalid> 0 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n\nsigned\n`;
  const file = write(path.join(repo, ".git/signed-commit"), body);
  const commit = git(repo, "hash-object", "-t", "commit", "-w", file).trim();
  git(repo, "update-ref", `refs/heads/${branch}`, commit);
}

/** A checked-out nested repository at `name`, recorded in the index as a gitlink (a submodule). */
export function nestedRepo(repo: string, name: string): string {
  const nested = cleanRepo(path.join(repo, name));
  git(repo, "add", name);
  git(repo, "commit", "-q", "-m", `add ${name}`);
  return nested;
}
