/**
 * Test table, continued: repository layouts rather than config keys (where .git points, submodules, a
 * repository above the workspace, the old HOME, a bare workspace). See git-hostile-cases.ts.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import type { HostileCase } from "./git-hostile-cases.ts";
import { cleanRepo, git, nestedRepo, setConfig, write } from "./git-test-repos.ts";

/** A repository outside the workspace whose config runs the canary on `git status`. */
const elsewhere = (root: string, canary: string) => setConfig(cleanRepo(path.join(root, "elsewhere")), { "core.fsmonitor": canary });
const blocked = (command: string) => ({ command, runs: false as const });

export const hostileLayouts: HostileCase[] = [
  {
    name: ".git is a file pointing elsewhere",
    build: (ws, c, root) => write(path.join(ws, ".git"), `gitdir: ${path.join(elsewhere(root, c), ".git")}\n`),
    risk: /\.git is a file \(gitdir: .*elsewhere/,
    approved: blocked("git status"),
  },
  {
    name: ".git is a symbolic link",
    build: (ws, c, root) => symlinkSync(path.join(elsewhere(root, c), ".git"), path.join(ws, ".git")),
    risk: /symbolic link/,
    approved: blocked("git status"),
  },
  {
    name: ".git/commondir",
    build: (ws, c, root) => write(path.join(cleanRepo(ws), ".git/commondir"), `${path.join(elsewhere(root, c), ".git")}\n`),
    risk: /commondir/,
    approved: blocked("git status"),
  },
  {
    name: "objects/info/alternates",
    build: (ws, c, root) => write(path.join(cleanRepo(ws), ".git/objects/info/alternates"), `${path.join(elsewhere(root, c), ".git/objects")}\n`),
    risk: /alternates/,
  },
  {
    name: "a checked-out submodule with its own core.fsmonitor",
    build: (ws, c) => setConfig(nestedRepo(cleanRepo(ws), "sub"), { "core.fsmonitor": c }),
    risk: /sub is a checked-out submodule/,
    approved: blocked("git status"),
    sandbox: true,
  },
  {
    name: "worktree config",
    build: (ws, c) => setConfig(setConfig(cleanRepo(ws), { "extensions.worktreeConfig": "true" }), { "core.fsmonitor": c }, path.join(ws, ".git/config.worktree")),
    risk: /extensions\.worktreeconfig=true, core\.fsmonitor=.*config\.worktree/,
    approved: blocked("git status"),
  },
  {
    name: "a config git cannot parse",
    build: (ws) => write(path.join(cleanRepo(ws), ".git/config"), "[core\n\tfsmonitor = oops\n"),
    risk: /git cannot read the repository's config \(.*bad config/,
  },
  {
    name: "hooks in .git/hooks (files, not config)",
    build: (ws, c) => {
      cleanRepo(ws);
      for (const hook of ["pre-commit", "pre-receive", "post-checkout"]) write(path.join(ws, ".git/hooks", hook), `#!/bin/sh\n'${c}' ${hook}\n`, true);
    },
    risk: null,
    shows: { command: "git status", output: /On branch main/ },
    approved: blocked("git commit -q --allow-empty -m x; git push -q . HEAD:refs/heads/copy"),
    sandbox: true,
  },
  {
    name: "a hostile repository above the workspace",
    build: (ws, c, root) => {
      cleanRepo(root);
      write(path.join(ws, "g.txt"), "one\n");
      git(root, "add", "ws/g.txt");
      git(root, "commit", "-q", "-m", "parent");
      write(path.join(ws, "g.txt"), "one\ntwo\n");
      write(path.join(root, ".gitattributes"), "* diff=x\n");
      setConfig(root, { "core.fsmonitor": c, "diff.x.textconv": c });
    },
    risk: null,
    shows: { command: "git diff", output: /[Nn]ot a git repository/ },
  },
  {
    name: "a .gitconfig committed in the workspace (the old HOME)",
    build: (ws, c) => {
      cleanRepo(ws);
      write(path.join(ws, ".gitconfig"), `[core]\n\tfsmonitor = ${c}\n\tpager = ${c}\n[diff]\n\texternal = ${c}\n[diff "x"]\n\ttextconv = ${c}\n[alias]\n\tst = !${c}\n`);
      write(path.join(ws, ".gitattributes"), "f.txt diff=x\n");
      git(ws, "add", ".gitconfig", ".gitattributes");
      git(ws, "commit", "-q", "-m", "dotfiles");
      write(path.join(ws, "f.txt"), "one\ntwo\nthree\n");
    },
    risk: null,
    // A plain diff: no external diff, no textconv.
    shows: { command: "git diff", output: /^\+three$/m },
    sandbox: true,
  },
  {
    name: "the workspace is a bare repository",
    build: (ws, c, root) => {
      git(root, "clone", "-q", "--bare", cleanRepo(path.join(root, "source")), ws);
      setConfig(ws, { "diff.x.textconv": c }, path.join(ws, "config"));
      mkdirSync(path.join(ws, "info"), { recursive: true });
      write(path.join(ws, "info/attributes"), "* diff=x\n");
    },
    risk: null,
    shows: { command: "git log -p", output: /cannot use bare repository/ },
  },
];
