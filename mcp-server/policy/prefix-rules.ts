/**
 * Command-prefix rules: the policy file's allow / ask / deny lists and the person's remembered approvals.
 * A rule is a list of words ("git push"); it matches a simple command whose literal name and first arguments
 * are exactly those words. Rules are matched per simple command on the parsed script, never on raw text, so
 * `echo $(git push)` cannot hide a `git push` and `npm test; rm -rf /` is not "starting with npm test".
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface PrefixRule {
  /** The rule as written, e.g. "git push". */
  text: string;
  words: readonly string[];
}

export interface PolicyRules {
  allow: readonly PrefixRule[];
  ask: readonly PrefixRule[];
  deny: readonly PrefixRule[];
  /** Whether sandboxed commands may use the network. */
  network: boolean;
}

export const BUILT_IN_RULES: PolicyRules = { allow: [], ask: [], deny: [], network: false };

// Rules are plain words: anything a shell would interpret makes the rule mean something other than it says.
const SHELL_CHARACTERS = /[;&|<>()$`"'\\*?[\]{}~#!]/;

export function parseRule(text: string): { rule: PrefixRule } | { error: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { error: "is empty" };
  const bad = words.find((word) => SHELL_CHARACTERS.test(word));
  if (bad !== undefined) return { error: `"${bad}" is not a plain word (no quotes, operators, globs or expansions)` };
  // Command names are matched as bare words, which is all the classifier lets run without asking.
  if (/[/=]/.test(words[0]!)) return { error: `"${words[0]}" must be a bare command name (no path, no assignment)` };
  return { rule: { text: words.join(" "), words } };
}

/** The command's words match the rule when they start with the rule's words. */
export function matchesRule(commandWords: readonly string[], rule: PrefixRule): boolean {
  return rule.words.length <= commandWords.length && rule.words.every((word, index) => commandWords[index] === word);
}

export function findRule(commandWords: readonly string[], rules: readonly PrefixRule[]): PrefixRule | undefined {
  return rules.find((rule) => matchesRule(commandWords, rule));
}

export type PolicyLoad = { rules: PolicyRules; source: string | null; problems: string[] };

/**
 * Reads the policy file. A missing default file is not a problem; a broken one is reported rule by rule and
 * the built-in policy is used instead, so a typo never silently widens what runs without asking.
 */
export function loadPolicyFile(filePath: string, required: boolean): PolicyLoad {
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    if (missing && !required) return { rules: BUILT_IN_RULES, source: null, problems: [] };
    return { rules: BUILT_IN_RULES, source: null, problems: [`${filePath}: cannot be read (${(error as Error).message})`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { rules: BUILT_IN_RULES, source: null, problems: [`${filePath}: not valid JSON (${(error as Error).message})`] };
  }
  const problems: string[] = [];
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { rules: BUILT_IN_RULES, source: null, problems: [`${filePath}: must be a JSON object`] };
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!["allow", "ask", "deny", "network", "$schema", "comment"].includes(key)) problems.push(`${filePath}: unknown key "${key}"`);
  }
  const list = (key: "allow" | "ask" | "deny"): PrefixRule[] => {
    const value = record[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      problems.push(`${filePath}: "${key}" must be an array of command prefixes`);
      return [];
    }
    return value.flatMap((entry, index) => {
      if (typeof entry !== "string") {
        problems.push(`${filePath}: ${key}[${index}] must be a string, got ${JSON.stringify(entry)}`);
        return [];
      }
      const parsed = parseRule(entry);
      if ("error" in parsed) {
        problems.push(`${filePath}: ${key}[${index}] ${JSON.stringify(entry)} ${parsed.error}`);
        return [];
      }
      return [parsed.rule];
    });
  };
  const rules: PolicyRules = { allow: list("allow"), ask: list("ask"), deny: list("deny"), network: record.network === true };
  if (record.network !== undefined && typeof record.network !== "boolean") problems.push(`${filePath}: "network" must be true or false`);
  return problems.length > 0 ? { rules: BUILT_IN_RULES, source: null, problems } : { rules, source: filePath, problems };
}

/** SHELL_POLICY names the file (and then it must exist); otherwise shell-policy.json at the project root, if any. */
export function loadPolicy(explicit: string | undefined): PolicyLoad {
  const filePath = explicit ? path.resolve(explicit) : path.resolve(import.meta.dirname, "..", "..", "shell-policy.json");
  return loadPolicyFile(filePath, Boolean(explicit));
}
