/**
 * Test table: workspaces a stranger could hand over, each planting a canary program where git might run it.
 * These rows are config keys; git-hostile-layouts.ts adds repository layouts. git-safety.test.ts runs every row
 * against repoConfigRisk and through the real server.
 */
import path from "node:path";
import { hostileLayouts } from "./git-hostile-layouts.ts";
import { cleanRepo, setConfig, signedCommit, write } from "./git-test-repos.ts";

export interface HostileCase {
  name: string;
  /**
   * Builds the workspace `ws` (an existing empty directory inside `root`). `canary` is the program to plant; it
   * is written into the workspace after the build (so a clone into the empty directory still works).
   */
  build(ws: string, canary: string, root: string): void;
  /** The reason repoConfigRisk must give, or null when git never reads what was planted (then nothing asks). */
  risk: RegExp | null;
  /** A command the person approves; `runs` says whether the canary still runs, and why that is accepted. */
  approved?: { command: string; runs: false } | { command: string; runs: true; because: string };
  /** For rows that ask nothing: a read-only command that runs at once, and what its output must show. */
  shows?: { command: string; output: RegExp };
  /** Self-contained in the workspace, so the same row can run in the sandbox, which hides the rest of /tmp. */
  sandbox?: boolean;
}

export const repo = (ws: string, config: Record<string, string>) => setConfig(cleanRepo(ws), config);
const credentialFill = "printf 'protocol=https\\nhost=example.invalid\\n\\n' | git credential fill";
const blocked = (command: string) => ({ command, runs: false as const });
const byDriver = {
  command: "git diff",
  runs: true as const,
  because: "drivers are named by the repository, so no fixed setting can reach them",
};

/** A row whose whole setup is a clean repository with these keys (CANARY stands for the program). */
function keys(name: string, config: Record<string, string>, risk: RegExp, more: Partial<HostileCase> = {}): HostileCase {
  const build = (ws: string, canary: string) =>
    repo(
      ws,
      Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace("CANARY", canary), value.replace("CANARY", canary)])),
    );
  return { name, build, risk, ...more };
}

/** The same, with a .gitattributes line that hands f.txt to a driver. */
function driver(name: string, config: Record<string, string>, attribute: string, risk: RegExp): HostileCase {
  const row = keys(name, config, risk, { approved: byDriver });
  return {
    ...row,
    build: (ws, canary, root) => (row.build(ws, canary, root), write(path.join(ws, ".gitattributes"), `f.txt ${attribute}\n`)),
  };
}

const configCases: HostileCase[] = [
  keys("core.fsmonitor", { "core.fsmonitor": "CANARY" }, /sets core\.fsmonitor;/, { approved: blocked("git status"), sandbox: true }),
  keys("core.pager", { "core.pager": "CANARY" }, /core\.pager/, { approved: blocked("git log") }),
  keys(
    "pager.<command>",
    { "pager.status": "CANARY", "pager.diff": "CANARY", "pager.log": "CANARY", "pager.show": "CANARY" },
    /pager\.status, pager\.diff, pager\.log, pager\.show;/,
    {
      approved: blocked("git diff"),
    },
  ),
  keys("diff.external", { "diff.external": "CANARY" }, /diff\.external/, {
    approved: { command: "git diff", runs: true, because: "git 2.39 has no value that turns it off (an empty one breaks every git diff)" },
    sandbox: true,
  }),
  driver("a textconv driver named in .gitattributes", { "diff.x.textconv": "CANARY" }, "diff=x", /diff\.x\.textconv/),
  driver(
    "a clean/smudge filter named in .gitattributes",
    { "filter.x.clean": "CANARY", "filter.x.smudge": "CANARY" },
    "filter=x",
    /filter\.x\.clean/,
  ),
  {
    name: "core.hooksPath",
    build: (ws, c) => {
      write(path.join(ws, "hooks/pre-commit"), `#!/bin/sh\n'${c}' pre-commit\n`, true);
      repo(ws, { "core.hooksPath": path.join(ws, "hooks") });
    },
    risk: /core\.hookspath/,
    approved: blocked("git commit -q --allow-empty -m x"),
  },
  // An include asks however harmless the included file is: the check never reads it (see the README).
  {
    name: "include.path to a file in the workspace",
    build: (ws, c) =>
      repo(ws, { "include.path": write(path.join(ws, "innocent.cfg"), `[core]\n\tfsmonitor = ${c}\n`) && "../innocent.cfg" }),
    risk: /sets include\.path;/,
    approved: blocked("git status"),
    sandbox: true,
  },
  {
    name: "includeIf",
    build: (ws, c) => repo(ws, { [`includeIf.gitdir:${ws}/.path`]: write(path.join(ws, "innocent.cfg"), `[core]\n\tfsmonitor = ${c}\n`) }),
    risk: /sets includeif\.gitdir:.*\.path;/,
    approved: blocked("git status"),
  },
  keys("core.sshCommand", { "core.sshCommand": "CANARY" }, /core\.sshcommand/, {
    approved: blocked("git ls-remote ssh://example.invalid/x"),
  }),
  keys(
    "credential.helper",
    { "credential.helper": "!CANARY", "credential.https://example.invalid.helper": "!CANARY" },
    /credential\.helper/,
    {
      approved: blocked(credentialFill),
    },
  ),
  keys("core.askPass", { "core.askPass": "CANARY" }, /core\.askpass/, { approved: blocked(credentialFill) }),
  keys("core.editor and sequence.editor", { "core.editor": "CANARY", "sequence.editor": "CANARY" }, /core\.editor/, {
    approved: blocked("git commit -q --allow-empty"),
  }),
  keys("an alias", { "alias.st": "!CANARY" }, /alias\.st/, {
    approved: { command: "git st", runs: true, because: "an alias is the repository's name for a command: approving `git st` approves it" },
  }),
  {
    name: "log.showSignature with gpg.program",
    build: (ws, c) => signedCommit(repo(ws, { "log.showSignature": "true", "gpg.program": c }), "signed"),
    risk: /log\.showsignature/,
    approved: blocked("git log -1 signed"),
  },
  keys("core.gitProxy", { "core.gitProxy": "CANARY" }, /core\.gitproxy/, { approved: blocked("git ls-remote git://example.invalid/x") }),
  keys("an ext:: remote", { "protocol.ext.allow": "always", "remote.origin.url": "ext::CANARY %S" }, /protocol\.ext\.allow/, {
    approved: blocked("git fetch origin"),
  }),
  keys("core.worktree", { "core.worktree": "/" }, /sets core\.worktree;/),
  keys("a partial clone (git may fetch while reading)", { "extensions.partialClone": "origin" }, /extensions\.partialclone/),
  keys("remote.<name>.uploadpack", { "remote.origin.uploadpack": "CANARY" }, /remote\.origin\.uploadpack/),
];

export const hostileCases: HostileCase[] = [...configCases, ...hostileLayouts];
