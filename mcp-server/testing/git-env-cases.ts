/**
 * Test table for git-env.test.ts: for each part of the neutral git environment, a repository (or setting) that
 * makes git run a canary, the command that triggers it, and the part that is meant to stop it.
 */
import path from "node:path";
import { cleanRepo, git, nestedRepo, setConfig, signedCommit, write } from "./git-test-repos.ts";

export interface Place {
  /** The workspace: an empty directory; rows that want a repository make one. */
  ws: string;
  /** A directory outside the workspace. */
  outside: string;
  canary: string;
}

export interface Row {
  name: string;
  build(place: Place): void;
  /** Run with /bin/sh in the workspace. */
  command: string;
  /** The environment variables or forced config keys the control run goes without. */
  stoppedBy: string[];
  /** Run under a pseudo-terminal: git starts pagers and colour filters only for a terminal. */
  tty?: boolean;
  /** The worst case the issue reported: HOME is the workspace, so a committed .gitconfig is "global". */
  homeIsWorkspace?: boolean;
  extraEnv?: (place: Place) => Record<string, string>;
}

const repo = (ws: string, config: Record<string, string> = {}) => setConfig(cleanRepo(ws), config);
const hook = (file: string, canary: string) => write(file, `#!/bin/sh\n'${canary}' ${path.basename(file)}\n`, true);
/** A row whose whole setup is a clean repository with these keys in its config (CANARY: the program). */
const keys = (name: string, config: Record<string, string>, command: string, stoppedBy: string[], more: Partial<Row> = {}): Row => ({
  name,
  build: (p) =>
    repo(p.ws, Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace("CANARY", p.canary), v.replace("CANARY", p.canary)]))),
  command,
  stoppedBy,
  ...more,
});
const credentialFill = "printf 'protocol=https\\nhost=example.invalid\\n\\n' | git credential fill";
const sign = "git commit -q -S --allow-empty -m s";
const textconv = (p: Place) => write(path.join(p.outside, "textconv.cfg"), `[diff "x"]\n\ttextconv = ${p.canary}\n`);

export const rows: Row[] = [
  keys("core.fsmonitor", { "core.fsmonitor": "CANARY" }, "git status", ["core.fsmonitor"]),
  {
    name: "core.fsmonitor of a checked-out submodule (the settings reach git inside it)",
    build: (p) => setConfig(nestedRepo(cleanRepo(p.ws), "sub"), { "core.fsmonitor": p.canary }),
    command: "git status",
    stoppedBy: ["core.fsmonitor"],
  },
  keys("core.pager", { "core.pager": "CANARY" }, "git log -1", ["GIT_PAGER", "core.pager"], { tty: true }),
  keys("pager.<command>", { "pager.log": "CANARY" }, "git log -1", ["GIT_PAGER"], { tty: true }),
  {
    name: "core.hooksPath",
    build: (p) => hook(path.join(p.ws, "hooks/pre-commit"), p.canary) && repo(p.ws, { "core.hooksPath": path.join(p.ws, "hooks") }),
    command: "git commit -q --allow-empty -m x",
    stoppedBy: ["core.hooksPath"],
  },
  {
    name: "hooks in .git/hooks",
    build: (p) => hook(path.join(cleanRepo(p.ws), ".git/hooks/pre-commit"), p.canary),
    command: "git commit -q --allow-empty -m x",
    stoppedBy: ["core.hooksPath"],
  },
  {
    name: "a hook of the receiving repository on a local push, even to itself",
    build: (p) => hook(path.join(cleanRepo(p.ws), ".git/hooks/pre-receive"), p.canary),
    command: "git push -q . HEAD:refs/heads/copy",
    stoppedBy: ["protocol.file.allow"],
  },
  keys("credential.helper", { "credential.helper": "!CANARY" }, credentialFill, ["credential.helper"]),
  keys("credential.<url>.helper", { "credential.https://example.invalid.helper": "!CANARY" }, credentialFill, ["credential.helper"]),
  keys("core.askPass", { "core.askPass": "CANARY" }, credentialFill, ["GIT_ASKPASS", "core.askPass"]),
  keys("core.sshCommand", { "core.sshCommand": "CANARY" }, "git ls-remote ssh://example.invalid/x", ["core.sshCommand"]),
  keys("core.gitProxy", { "core.gitProxy": "CANARY" }, "git ls-remote git://example.invalid/x", ["GIT_PROXY_COMMAND"]),
  keys(
    "an ext:: remote URL, even with protocol.allow=always",
    { "protocol.allow": "always", "protocol.ext.allow": "always", "remote.origin.url": "ext::CANARY %S" },
    "git ls-remote origin",
    ["protocol.ext.allow"],
  ),
  keys(
    "url.<base>.insteadOf turning an https URL into ext::",
    { "protocol.ext.allow": "always", "url.ext::CANARY %S #.insteadOf": "https://example.invalid/" },
    "git ls-remote https://example.invalid/x",
    ["protocol.ext.allow"],
  ),
  keys("core.editor", { "core.editor": "CANARY" }, "git commit -q --allow-empty", ["core.editor"]),
  {
    name: "sequence.editor",
    build: (p) => {
      git(cleanRepo(p.ws), "commit", "-q", "-am", "second");
      setConfig(p.ws, { "sequence.editor": p.canary });
    },
    command: "git rebase -q -i HEAD~1",
    stoppedBy: ["sequence.editor"],
  },
  {
    name: "log.showSignature with gpg.program (a plain git log)",
    build: (p) => signedCommit(setConfig(cleanRepo(p.ws), { "log.showSignature": "true", "gpg.program": p.canary }), "signed"),
    command: "git log -1 signed",
    stoppedBy: ["log.showSignature", "gpg.program", "gpg.openpgp.program"],
  },
  {
    name: "gpg.openpgp.program on --show-signature",
    build: (p) => signedCommit(setConfig(cleanRepo(p.ws), { "gpg.openpgp.program": p.canary }), "signed"),
    command: "git log --show-signature -1 signed",
    stoppedBy: ["gpg.program", "gpg.openpgp.program"],
  },
  keys("gpg.x509.program", { "gpg.format": "x509", "gpg.x509.program": "CANARY", "user.signingKey": "x" }, sign, ["gpg.x509.program"]),
  keys("gpg.ssh.program", { "gpg.format": "ssh", "gpg.ssh.program": "CANARY", "user.signingKey": "ssh-ed25519 AAAA" }, sign, [
    "gpg.ssh.program",
  ]),
  keys("gpg.ssh.defaultKeyCommand", { "gpg.format": "ssh", "gpg.ssh.defaultKeyCommand": "CANARY" }, sign, ["gpg.ssh.defaultKeyCommand"]),
  {
    name: "core.alternateRefsCommand (a fetch the person allowed file transport for)",
    build: (p) => {
      const other = cleanRepo(path.join(p.outside, "other"));
      git(p.outside, "clone", "-q", "--bare", other, "up.git");
      write(path.join(repo(p.ws, { "core.alternateRefsCommand": p.canary }), ".git/objects/info/alternates"), `${other}/.git/objects\n`);
    },
    command: "git -c protocol.file.allow=always fetch -q file://$PWD/../outside/up.git",
    stoppedBy: ["core.alternateRefsCommand"],
  },
  {
    name: "core.attributesFile attaching a driver to every path",
    build: (p) => repo(p.ws, { "core.attributesFile": write(path.join(p.ws, "attrs"), "* diff=x\n"), "diff.x.textconv": p.canary }),
    command: "git diff",
    stoppedBy: ["core.attributesFile"],
  },
  keys("interactive.diffFilter", { "interactive.diffFilter": "CANARY" }, "printf 'q\\n' | git add -p", ["interactive.diffFilter"], {
    tty: true,
  }),
  keys("imap.tunnel", { "imap.tunnel": "CANARY", "imap.folder": "x" }, "git format-patch --root -1 --stdout | git imap-send", [
    "imap.tunnel",
  ]),
  {
    name: "a bare repository committed inside the workspace (discovered, not named)",
    build: (p) => {
      git(p.ws, "clone", "-q", "--bare", cleanRepo(path.join(p.outside, "source")), "embedded.git");
      const bare = path.join(p.ws, "embedded.git");
      setConfig(bare, { "diff.x.textconv": p.canary }, path.join(bare, "config"));
      write(path.join(bare, "info/attributes"), "* diff=x\n");
    },
    command: "cd embedded.git && git log -p -1",
    stoppedBy: ["safe.bareRepository"],
  },
  {
    name: "a repository above the workspace",
    build: (p) => {
      // The workspace is a plain directory inside a hostile repository.
      const parent = path.dirname(p.ws);
      git(parent, "init", "-q");
      write(path.join(p.ws, "g.txt"), "one\n");
      git(parent, "add", "ws/g.txt");
      git(parent, "commit", "-q", "-m", "parent");
      write(path.join(p.ws, "g.txt"), "one\ntwo\n");
      write(path.join(parent, ".gitattributes"), "*.txt diff=x\n");
      setConfig(parent, { "diff.x.textconv": p.canary });
    },
    command: "git diff",
    stoppedBy: ["GIT_CEILING_DIRECTORIES"],
  },
  {
    name: "a .gitconfig in the workspace when HOME is the workspace",
    build: (p) => {
      write(path.join(cleanRepo(p.ws), ".gitattributes"), "f.txt diff=x\n");
      write(path.join(p.ws, ".gitconfig"), `[diff "x"]\n\ttextconv = ${p.canary}\n`);
    },
    homeIsWorkspace: true,
    command: "git diff",
    stoppedBy: ["GIT_CONFIG_GLOBAL"],
  },
  {
    name: "system config",
    build: (p) => write(path.join(cleanRepo(p.ws), ".gitattributes"), "f.txt diff=x\n"),
    extraEnv: (p) => ({ GIT_CONFIG_SYSTEM: textconv(p) }),
    command: "git diff",
    stoppedBy: ["GIT_CONFIG_NOSYSTEM"],
  },
];
