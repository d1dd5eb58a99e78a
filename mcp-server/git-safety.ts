/**
 * git in a workspace cloned from a stranger. A repository's config (and, with HOME in the workspace, a committed
 * `.gitconfig`) can name programs git runs on a plain `git status` or `git diff`: fsmonitor, pagers, external
 * diff, textconv, hooks, credential helpers, aliases. Commands get a neutral git environment (git-env.ts), and
 * read-only git commands ask when the repository's own config sets anything outside a known-harmless list.
 */
import { closeSync, lstatSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { type ConfigEntry, readConfig, readGitlinks } from "./git-repo-read.ts";

export { neutralGitEnv } from "./git-env.ts";

/**
 * Keys `git init` and `git clone` write, and a few more that only name things or tune line endings. Anything
 * else asks: a list of the dangerous keys would be out of date with the next git release, this one is not.
 */
const HARMLESS_KEYS = new Set([
  "core.repositoryformatversion", "core.filemode", "core.bare", "core.logallrefupdates", "core.ignorecase",
  "core.precomposeunicode", "core.symlinks", "core.autocrlf", "core.eol", "core.safecrlf", "core.quotepath",
  "core.sparsecheckout", "core.sparsecheckoutcone", "extensions.objectformat", "user.name", "user.email",
  "init.defaultbranch", "pull.rebase", "pull.ff", "push.default", "fetch.prune", "remote.pushdefault",
]);
/** Harmless variables of `section.<name>.variable` keys; e.g. remote.<name>.uploadpack or .vcs still ask. */
const HARMLESS_NAMED: Record<string, ReadonlySet<string>> = {
  remote: new Set(["url", "pushurl", "fetch", "push", "mirror", "tagopt", "prune"]),
  branch: new Set(["remote", "merge", "rebase", "pushremote", "description"]),
  submodule: new Set(["url", "active"]),
};

function harmless(key: string): boolean {
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  if (first === last) return HARMLESS_KEYS.has(key);
  return HARMLESS_NAMED[key.slice(0, first)]?.has(key.slice(last + 1)) ?? false;
}

interface Checked {
  /** Identity of every path the answer depends on, taken before it was read. */
  files: Map<string, string>;
  risk: string | null;
}
const checked = new Map<string, Checked>();

/**
 * Why a git command in this workspace must ask, or null when the repository's config holds only harmless keys
 * (or there is no repository). Cached by the identity of every file it read, so it is cheap to call per
 * classification: a cached answer costs a handful of stat calls, a changed file one or two runs of git.
 */
export function repoConfigRisk(workspaceDir: string): string | null {
  const workspace = path.resolve(workspaceDir);
  const previous = checked.get(workspace);
  if (previous && [...previous.files].every(([file, id]) => identity(file) === id)) return previous.risk;
  const files = new Map<string, string>();
  const risk = assess(workspace, (file) => files.set(file, identity(file)));
  checked.set(workspace, { files, risk });
  return risk;
}

/** Inode, size and times (to the nanosecond): a rewrite in place or by rename changes at least one. */
function identity(file: string): string {
  try {
    const stat = lstatSync(file, { bigint: true });
    // A directory's times change whenever git writes a file in it: its inode is identity enough.
    if (stat.isDirectory()) return `dir ${stat.dev}:${stat.ino}`;
    const target = stat.isSymbolicLink() ? statSync(file, { bigint: true, throwIfNoEntry: false }) : stat;
    const of = (s: typeof stat | undefined) => (s ? `${s.dev}:${s.ino}:${s.mode}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : "dangling");
    return stat.isSymbolicLink() ? `link ${of(stat)} -> ${of(target)}` : of(stat);
  } catch {
    return "missing";
  }
}

function assess(workspace: string, track: (file: string) => void): string | null {
  const dotGit = path.join(workspace, ".git");
  track(dotGit);
  const kind = lstatSync(dotGit, { throwIfNoEntry: false });
  if (kind?.isSymbolicLink()) return ".git is a symbolic link: git would use whatever repository it points to";
  if (kind?.isFile()) return `.git is a file (${firstLine(dotGit)}): git would use a repository this check does not vouch for`;
  if (kind && !kind.isDirectory()) return ".git is neither a directory nor a file";
  // Without .git, discovery stops at the ceiling and a bare workspace is refused; git itself confirms below.
  const gitDir = kind ? dotGit : workspace;
  for (const name of ["config", "config.worktree", "commondir", "objects/info/alternates", "index"]) track(path.join(gitDir, name));
  if (kind && lstatSync(path.join(gitDir, "commondir"), { throwIfNoEntry: false })) {
    return ".git/commondir makes git read the config and objects of another repository";
  }
  if (kind && lstatSync(path.join(gitDir, "objects/info/alternates"), { throwIfNoEntry: false })) {
    return ".git/objects/info/alternates makes git read objects from other repositories";
  }

  const config = readConfig(workspace);
  if (!config.ok) return `git cannot read the repository's config (${config.error})`;
  const own = config.value.filter((entry) => entry.scope !== "command");
  // Included files are read by git too; the include itself is not on the list, so this already asks.
  for (const origin of new Set(own.map((entry) => entry.origin))) {
    if (origin.startsWith("file:")) track(path.resolve(workspace, origin.slice("file:".length)));
  }
  const unknown = own.filter((entry) => !harmless(entry.key));
  if (unknown.length > 0) return `the repository's config sets ${describe(unknown)}; git may run or read what it names`;
  if (own.length === 0 || !lstatSync(path.join(gitDir, "index"), { throwIfNoEntry: false })) return null;

  // git status and git diff run git inside every checked-out submodule, which has its own config.
  const gitlinks = readGitlinks(workspace);
  if (!gitlinks.ok) return `git cannot list the repository's index (${gitlinks.error})`;
  for (const gitlink of gitlinks.value) {
    const nested = path.join(workspace, gitlink, ".git");
    track(nested);
    if (lstatSync(nested, { throwIfNoEntry: false })) {
      return `${gitlink} is a checked-out submodule: git status and git diff run git inside it, under its own config`;
    }
  }
  return null;
}

function describe(entries: readonly ConfigEntry[]): string {
  const shown = entries.slice(0, 4).map(({ key, value, origin }) => {
    const where = origin === "file:.git/config" ? "" : ` (from ${clip(origin.replace(/^file:/, ""))})`;
    return `${key}${value === null ? "" : `=${clip(value)}`}${where}`;
  });
  return shown.join(", ") + (entries.length > shown.length ? ` and ${entries.length - shown.length} more` : "");
}

/** Values go into the question shown to the person: one line, no control characters, not too long. */
function clip(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

/** The start of a `.git` file ("gitdir: ..."), read without loading a file that may be huge. */
function firstLine(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buffer = Buffer.alloc(512);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return clip(buffer.toString("utf8", 0, length).split("\n")[0] ?? "");
  } catch {
    return "unreadable";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
