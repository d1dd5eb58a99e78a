/**
 * Test table, continued: repository layouts rather than config keys (where .git points, submodules, a
 * repository above the workspace, the old HOME, a bare workspace), then layouts that point git outside the
 * workspace (leakCases). See git-hostile-cases.ts.
 */
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
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
    risk: /^\.git is a file/,
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
    build: (ws, c, root) =>
      write(path.join(cleanRepo(ws), ".git/objects/info/alternates"), `${path.join(elsewhere(root, c), ".git/objects")}\n`),
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
    build: (ws, c) =>
      setConfig(
        setConfig(cleanRepo(ws), { "extensions.worktreeConfig": "true" }),
        { "core.fsmonitor": c },
        path.join(ws, ".git/config.worktree"),
      ),
    risk: /sets extensions\.worktreeconfig;/,
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
      for (const hook of ["pre-commit", "pre-receive", "post-checkout"])
        write(path.join(ws, ".git/hooks", hook), `#!/bin/sh\n'${c}' ${hook}\n`, true);
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
      write(
        path.join(ws, ".gitconfig"),
        `[core]\n\tfsmonitor = ${c}\n\tpager = ${c}\n[diff]\n\texternal = ${c}\n[diff "x"]\n\ttextconv = ${c}\n[alias]\n\tst = !${c}\n`,
      );
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

/** A value that must never reach the person's question or the model: the password in a host file. */
export const SECRET = "S3cr3t-from-the-host";

/**
 * Test table: workspaces that point git at a file outside them (a host file that parses as git config, such as
 * ~/.my.cnf, or another repository's config or index), or at a FIFO. The check must ask without reading what is
 * pointed to, and name nothing that is in it. `outside` is a directory next to the workspace that the sandbox
 * cannot see; `secret` a config file in it (the my.cnf of the report).
 */
export interface LeakCase {
  name: string;
  build(ws: string, outside: string, secret: string): void;
  /** The reason repoConfigRisk must give. */
  risk: RegExp;
}

/** ~/.my.cnf as git parses it: a [client] section with a password, and a key that is not on the harmless list. */
export const hostSecretConfig = `[client]\n\tuser = root\n\tpassword = ${SECRET}\n[core]\n\tfsmonitor = /bin/${SECRET}\n`;

const replaceConfig = (ws: string, make: (config: string) => void) => {
  const config = path.join(cleanRepo(ws), ".git/config");
  rmSync(config);
  make(config);
};

export const leakCases: LeakCase[] = [
  {
    name: "include.path names a host file",
    build: (ws, outside, secret) => setConfig(cleanRepo(ws), { "include.path": secret }),
    risk: /sets include\.path;/,
  },
  {
    name: "includeIf names a host file",
    build: (ws, outside, secret) => setConfig(cleanRepo(ws), { [`includeIf.gitdir:${ws}/.path`]: secret }),
    risk: /sets includeif\.gitdir:.*\.path;/,
  },
  {
    name: "a chain of includes inside the workspace that ends at a host file",
    build: (ws, outside, secret) => {
      write(path.join(ws, "a.cfg"), "[include]\n\tpath = b.cfg\n");
      write(path.join(ws, "b.cfg"), `[include]\n\tpath = ${secret}\n`);
      setConfig(cleanRepo(ws), { "include.path": "../a.cfg" });
    },
    risk: /sets include\.path;/,
  },
  {
    name: ".git/config is a symbolic link to a host file",
    build: (ws, outside, secret) => replaceConfig(ws, (config) => symlinkSync(secret, config)),
    risk: /\.git\/config is a symbolic link/,
  },
  {
    name: ".git/config is a hard link to a host file",
    build: (ws, outside, secret) => replaceConfig(ws, (config) => linkSync(secret, config)),
    risk: /\.git\/config has other hard links/,
  },
  {
    name: ".git/config is a FIFO",
    build: (ws) => replaceConfig(ws, (config) => execFileSync("mkfifo", [config])),
    risk: /\.git\/config is a FIFO/,
  },
  {
    name: "include.path names a FIFO outside",
    build: (ws, outside) => {
      execFileSync("mkfifo", [path.join(outside, "fifo")]);
      setConfig(cleanRepo(ws), { "include.path": path.join(outside, "fifo") });
    },
    risk: /sets include\.path;/,
  },
  {
    name: ".git is a file whose gitdir: is a repository outside with a secret in its config",
    build: (ws, outside) => {
      const other = setConfig(cleanRepo(path.join(outside, "other")), {
        "remote.origin.url": `https://root:${SECRET}@example.invalid/x.git`,
      });
      write(path.join(ws, ".git"), `gitdir: ${path.join(other, ".git")}\n`);
    },
    risk: /\.git is a file/,
  },
  {
    name: ".git/commondir names a repository outside",
    build: (ws, outside, secret) => {
      const other = setConfig(cleanRepo(path.join(outside, "other")), { "include.path": secret });
      write(path.join(cleanRepo(ws), ".git/commondir"), `${path.join(other, ".git")}\n`);
    },
    risk: /commondir/,
  },
  {
    // The other repository's index names a submodule after the secret; the workspace has a checked-out
    // directory of that name, so reading the host's index would print it.
    name: ".git/index is a symbolic link to another repository's index",
    build: (ws, outside) => {
      const other = nestedRepo(cleanRepo(path.join(outside, "other")), SECRET);
      cleanRepo(ws);
      mkdirSync(path.join(ws, SECRET, ".git"), { recursive: true });
      rmSync(path.join(ws, ".git/index"));
      symlinkSync(path.join(other, ".git/index"), path.join(ws, ".git/index"));
    },
    risk: /\.git\/index is a symbolic link/,
  },
  {
    name: ".git/index is a FIFO",
    build: (ws) => {
      rmSync(path.join(cleanRepo(ws), ".git/index"));
      execFileSync("mkfifo", [path.join(ws, ".git/index")]);
    },
    risk: /\.git\/index is a FIFO/,
  },
  {
    name: ".git/objects is a symbolic link to a host directory",
    build: (ws, outside) => {
      const other = cleanRepo(path.join(outside, "other"));
      write(path.join(other, ".git/objects/info/alternates"), `${path.join(outside, "objects")}\n`);
      rmSync(path.join(cleanRepo(ws), ".git/objects"), { recursive: true });
      symlinkSync(path.join(other, ".git/objects"), path.join(ws, ".git/objects"));
    },
    risk: /\.git\/objects is a symbolic link/,
  },
];
