/**
 * git in a workspace cloned from a stranger. A repository's config (and, with HOME in the workspace, a committed
 * `.gitconfig`) can name programs git runs on a plain `git status` or `git diff`: fsmonitor, pagers, external
 * diff, textconv, hooks, credential helpers, aliases. Commands get a neutral git environment (git-env.ts), and
 * read-only git commands ask when the repository's own config sets anything outside a known-harmless list.
 */
import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import {
  type ConfigEntry,
  listGitlinks,
  MAX_CONFIG_BYTES,
  MAX_INDEX_BYTES,
  parseConfig,
  readOwnFile,
  walkInside,
} from "./git-repo-read.ts";

export { neutralGitEnv } from "./git-env.ts";

/**
 * Keys `git init` and `git clone` write, and a few more that only name things or tune line endings. Anything
 * else asks: a list of the dangerous keys would be out of date with the next git release, this one is not.
 */
const HARMLESS_KEYS = new Set([
  "core.repositoryformatversion",
  "core.filemode",
  "core.bare",
  "core.logallrefupdates",
  "core.ignorecase",
  "core.precomposeunicode",
  "core.symlinks",
  "core.autocrlf",
  "core.eol",
  "core.safecrlf",
  "core.quotepath",
  "core.sparsecheckout",
  "core.sparsecheckoutcone",
  "extensions.objectformat",
  "user.name",
  "user.email",
  "init.defaultbranch",
  "pull.rebase",
  "pull.ff",
  "push.default",
  "fetch.prune",
  "remote.pushdefault",
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
  /** Identity of every path the answer depends on (lstat: a link is not followed), taken before it was read. */
  files: Map<string, string>;
  risk: string | null;
}
const checked = new Map<string, Checked>();

/**
 * Why a git command in this workspace must ask, or null when the repository's config holds only harmless keys
 * (or there is no repository). Cached by the identity of every path the answer depends on, so it is cheap to
 * call per classification: a cached answer costs a handful of lstat calls, a changed file one or two runs of git.
 *
 * The reason goes into the question and into the tool result the model reads, so it names keys and
 * workspace-relative paths only, never a value or anything read from a file; and nothing outside the workspace
 * is read to produce it (git-repo-read.ts).
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
    return `${stat.dev}:${stat.ino}:${stat.mode}:${stat.nlink}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return "missing";
  }
}

/** Why git would read something this check does not, for a path that is not plainly the workspace's own. */
const NOT_OWN = "this check reads only the workspace's own regular files, and git would read what it points to";

function assess(workspaceDir: string, track: (file: string) => void): string | null {
  let workspace: string;
  try {
    workspace = realpathSync(workspaceDir);
  } catch {
    return null; // No workspace yet, so no repository.
  }
  track(workspaceDir);
  /** lstat of the workspace's own `relative`, every directory on the way tracked; a string says why not. */
  const own = (relative: string) => {
    const { seen, error } = walkInside(workspace, relative);
    seen.forEach(({ file }) => track(file));
    if (error) return `${error}; ${NOT_OWN}`;
    // The walk stops at the first missing part, which makes the path missing too.
    return seen.at(-1)?.stat;
  };

  const dotGit = own(".git");
  if (typeof dotGit === "string") return dotGit;
  if (dotGit?.isSymbolicLink()) return ".git is a symbolic link: git would use whatever repository it points to";
  if (dotGit?.isFile()) return ".git is a file: git would use the repository it names, which this check does not read";
  if (dotGit && !dotGit.isDirectory()) return ".git is neither a directory nor a file";
  // Without .git, discovery stops at the ceiling and a bare workspace is refused (safe.bareRepository=explicit).
  if (!dotGit) return null;

  for (const [relative, why] of [
    [".git/commondir", ".git/commondir makes git read the config and objects of another repository"],
    [".git/objects/info/alternates", ".git/objects/info/alternates makes git read objects from other repositories"],
  ] as const) {
    const stat = own(relative);
    if (stat) return typeof stat === "string" ? stat : why;
  }

  own(".git/config");
  const text = readOwnFile(workspace, ".git/config", MAX_CONFIG_BYTES);
  if (!text.ok) return `${text.error}; ${NOT_OWN}`;
  if (!text.value) return null; // No config: git does not take .git for a repository.
  const config = parseConfig(text.value, ".git/config");
  if (!config.ok) return `git cannot read the repository's config (${config.error})`;
  // An include is not on the list, so it asks here, and what it names is never read: not even a file inside the
  // workspace, since the reason could not say what is in it without reading it.
  const unknown = config.value.filter((entry) => !harmless(entry.key));
  if (unknown.length > 0) return `the repository's config sets ${describe(unknown)}; git may run or read what it names`;
  let objectFormat = "sha1";
  for (const entry of config.value) if (entry.key === "extensions.objectformat") objectFormat = entry.value ?? "";
  if (objectFormat !== "sha1" && objectFormat !== "sha256")
    return "the repository's config names an object format this check does not know";

  // git status and git diff run git inside every checked-out submodule, which has its own config.
  own(".git/index");
  const index = readOwnFile(workspace, ".git/index", MAX_INDEX_BYTES);
  if (!index.ok) return `${index.error}; ${NOT_OWN}`;
  if (!index.value) return null;
  const gitlinks = listGitlinks(index.value, objectFormat);
  if (!gitlinks.ok) return `git cannot list the repository's index (${gitlinks.error})`;
  for (const gitlink of gitlinks.value) {
    const nested = own(`${gitlink}/.git`);
    const shown = clip(gitlink);
    if (typeof nested === "string") return `the index names ${shown}, which is not plainly inside the workspace`;
    if (nested) return `${shown} is a checked-out submodule: git status and git diff run git inside it, under its own config`;
  }
  return null;
}

/** Keys only: a value may be a password or a token, and the reason reaches the model even when the person says no. */
function describe(entries: readonly ConfigEntry[]): string {
  const keys = [...new Set(entries.map(({ key }) => clip(key)))];
  const shown = keys.slice(0, 6);
  return shown.join(", ") + (keys.length > shown.length ? ` and ${keys.length - shown.length} more` : "");
}

/** Names from the workspace go into the question: one line, no control characters, not too long. */
function clip(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}
