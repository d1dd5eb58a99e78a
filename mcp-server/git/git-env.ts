/**
 * The git environment every command gets. git reads no system or global config, never discovers a repository
 * above the workspace, and every setting that names a program and has a fixed name is forced to something inert
 * at command scope, which git reads after the repository's own config, so the repository cannot set it back.
 * Each entry was checked on git 2.39 by git-env.test.ts, which also shows the attack working without it.
 */
import { realpathSync } from "node:fs";
import path from "node:path";

/**
 * Passed as GIT_CONFIG_COUNT/KEY/VALUE (the environment form of `git -c`). git passes these on to the git it
 * runs inside submodules too; a `git -c` the person approves is read after them and so still wins.
 */
export const FORCED_GIT_CONFIG: readonly (readonly [key: string, value: string])[] = [
  // A hook run by every `git status` / `git diff`; false turns it off (an empty value is not "off").
  ["core.fsmonitor", "false"],
  // GIT_PAGER=cat already wins over core.pager and pager.<command>; this covers a command that unsets GIT_PAGER.
  ["core.pager", "cat"],
  // No hook in .git/hooks or anywhere the repository points runs: git finds no hooks under /dev/null.
  ["core.hooksPath", "/dev/null"],
  // An empty value empties the helper list, including helpers set for one URL (credential.<url>.helper).
  ["credential.helper", ""],
  ["core.askPass", ""],
  ["core.sshCommand", "ssh"],
  // ":" is git's own "do not start an editor": the message or todo list is used as it is.
  ["core.editor", ":"],
  ["sequence.editor", ":"],
  // Signing and signature checks use the system's programs, never ones the repository names.
  ["gpg.program", "gpg"],
  ["gpg.openpgp.program", "gpg"],
  ["gpg.x509.program", "gpgsm"],
  ["gpg.ssh.program", "ssh-keygen"],
  ["gpg.ssh.defaultKeyCommand", "false"],
  // A plain `git log` would otherwise check signatures, running the gpg program.
  ["log.showSignature", "false"],
  // Only ever an optimisation (tips of alternate repositories); `true` prints none.
  ["core.alternateRefsCommand", "true"],
  // A repository-chosen attributes file could attach drivers to every path.
  ["core.attributesFile", "/dev/null"],
  ["interactive.diffFilter", "cat"],
  // An empty tunnel makes imap-send fail instead of starting the repository's command.
  ["imap.tunnel", ""],
  // ext:: URLs run any command; a remote URL or url.<base>.insteadOf in the repository can produce one.
  ["protocol.ext.allow", "never"],
  // A local push or fetch runs git in the other repository (even `.`) with these settings dropped, so its hooks
  // would run: local transports need the person's explicit `git -c protocol.file.allow=always ...`.
  ["protocol.file.allow", "never"],
  // A bare repository found by discovery (the workspace itself, or one committed inside it) is not used.
  ["safe.bareRepository", "explicit"],
];

/** Environment for every command: git reads no global or system config and is told not to run helpers. */
export function neutralGitEnv(workspaceDir: string): Record<string, string> {
  const env: Record<string, string> = {
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_CEILING_DIRECTORIES: ceilingFor(workspaceDir),
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    PAGER: "cat",
    // Set but empty: git then asks no askpass program, not even SSH_ASKPASS.
    GIT_ASKPASS: "",
    // core.gitProxy keeps the FIRST value it reads, so command scope cannot override the repository's;
    // an empty GIT_PROXY_COMMAND is read before any config and means "no proxy".
    GIT_PROXY_COMMAND: "",
    GIT_CONFIG_COUNT: String(FORCED_GIT_CONFIG.length),
  };
  FORCED_GIT_CONFIG.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/**
 * git stops discovery below a ceiling directory but always looks in the current one, so the ceiling is the
 * workspace's parent: the workspace's own repository is found, one that merely contains the workspace is not.
 */
function ceilingFor(workspaceDir: string): string {
  let real = path.resolve(workspaceDir);
  try {
    // git compares the ceiling with its real working directory.
    real = realpathSync(real);
  } catch {
    // Not created yet: the resolved path is what it will be.
  }
  const ceiling = path.dirname(real);
  // The variable is a ':'-separated list with no quoting; a split path would silently lift the ceiling.
  if (ceiling.includes(":")) throw new Error(`the workspace's parent directory must not contain ':' (${ceiling})`);
  return ceiling;
}
