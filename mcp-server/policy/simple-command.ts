/**
 * The check of one simple command (`name args... redirects`): every reason it must ask, or how it may run.
 * The words are first turned into what dash will pass (quotes removed, patterns expanded against the workspace),
 * then checked by the command's own spec. Allow rules and remembered prefixes lift only the command's inherent
 * risk (rm deletes): its options, its paths and the shell syntax around it are checked all the same.
 */
import type { Command, DoubleQuotedChild, Redirection, Word, WordPart } from "unbash";
import { untabledArgIssues } from "./commands/command-spec.ts";
import { expandPattern, type GlobBudget } from "./dash-glob.ts";
import type { Arg } from "./commands/option-parser.ts";
import { findRule, type PolicyRules, type PrefixRule } from "./prefix-rules.ts";
import { REMEMBERABLE, TOOLS } from "./commands/read-only-commands.ts";
import { KNOWN_RISKS, mostSevere, type Issue } from "./risks.ts";
import { readWord } from "./shell-words.ts";
import type { Workspace } from "./workspace-paths.ts";

export type AllowedBy = "built-in" | "policy" | "remembered";

export interface CommandContext {
  workspace: Workspace;
  budget: GlobBudget;
  rules?: PolicyRules;
  rememberedPrefixes: readonly PrefixRule[];
  gitRepoRisk?: () => string | null;
}

export type CommandResult = { allowedBy: AllowedBy } | { issue: Issue; prefix?: string };

export function checkSimpleCommand(command: Command, context: CommandContext): CommandResult {
  const nameWord = command.name ? readWord(command.name) : null;
  if (!nameWord || nameWord.kind !== "word" || nameWord.pattern || command.prefix.some((p) => p.type === "Assignment")) {
    return { issue: { risk: "shell-syntax" } };
  }
  const name = nameWord.text;
  const words = literalPrefix(command);
  const { rules, workspace } = context;
  const issues: Issue[] = [];
  if (rules && findRule(words, rules.ask)) issues.push({ risk: "policy" });
  for (const redirect of command.redirects) {
    const issue = redirectIssue(redirect);
    if (issue) issues.push(issue);
  }

  // A remembered prefix counts only for tools whose every use the policy still bounds (defence in depth).
  const remembered = REMEMBERABLE.has(name) && findRule(words, context.rememberedPrefixes);
  const lift: AllowedBy | null = remembered ? "remembered" : rules && findRule(words, rules.allow) ? "policy" : null;

  const read = readArgs(command, context);
  if ("unsupported" in read) {
    // The words cannot be known, but what the tool itself does can: `rm -rf $DIR` still deletes.
    const inherent = lift ? undefined : (KNOWN_RISKS.get(name) ?? TOOLS.get(name)?.inherent);
    const known: Issue[] = inherent ? [{ risk: inherent }] : [];
    return { issue: mostSevere([...issues, ...known, { risk: "shell-syntax", detail: read.unsupported }])! };
  }
  const { args } = read;
  issues.push(...read.issues);

  const tool = name.includes("/") ? undefined : TOOLS.get(name);
  if (tool) {
    issues.push(...tool.check(args, workspace));
  } else {
    issues.push({ risk: KNOWN_RISKS.get(name) ?? "unknown-command", inherent: true });
    // An allow rule for a tool the policy does not know still keeps its file arguments inside the workspace.
    if (lift) issues.push(...untabledArgIssues(args, workspace));
  }
  if (tool?.takesOptions ?? true) {
    for (const arg of args) {
      if (arg.fromGlob && arg.text.startsWith("-"))
        issues.push({
          risk: "unchecked-option",
          detail: `a pattern expands to the file name ${arg.text}, which the command would read as an option`,
        });
    }
  }

  const remaining = lift ? issues.filter((issue) => !issue.inherent) : issues;
  if (remaining.length === 0 && name === "git") {
    const gitRisk = context.gitRepoRisk?.();
    if (gitRisk) remaining.push({ risk: "code-execution", detail: gitRisk });
  }
  if (remaining.length === 0) return { allowedBy: lift ?? "built-in" };
  // Remembering helps only when the tool's own risk is all that asks.
  const prefix = REMEMBERABLE.has(name) && remaining.every((issue) => issue.inherent) ? name : undefined;
  return { issue: mostSevere(remaining)!, ...(prefix && { prefix }) };
}

/** The arguments as dash will pass them, patterns expanded; or why they cannot be known before running. */
function readArgs(command: Command, context: CommandContext): { args: Arg[]; issues: Issue[] } | { unsupported: string } {
  const args: Arg[] = [];
  const issues: Issue[] = [];
  for (const word of command.args) {
    // `export A=1`-style assignment arguments: not something the listed tools take.
    if (word.type !== "Word") return { unsupported: `assignment ${word.text}` };
    const read = readWord(word);
    if (read.kind === "unsupported") return { unsupported: read.why };
    if (!read.pattern) {
      args.push({ text: read.text, fromGlob: false });
      continue;
    }
    const expansion = expandPattern(read.pattern, read.text, context.workspace, context.budget);
    if ("issue" in expansion) issues.push(expansion.issue);
    else args.push(...expansion.words.map((text) => ({ text, fromGlob: expansion.matched })));
  }
  return { args, issues };
}

const SAFE_REDIRECT_TARGETS = new Set(["/dev/null"]);

function redirectIssue(redirect: Redirection): Issue | null {
  // dash reads only one digit before a redirect, and no `{name}`: `date 0101000020>/dev/null` is `date 0101000020`
  // to dash (it sets the clock), and `{fd}>x` passes `{fd}` to the command. Either way a word unbash hides.
  const descriptor = redirect.descriptor;
  if (descriptor && (descriptor.type !== "FileDescriptor" || descriptor.end - descriptor.pos !== 1)) {
    return { risk: "shell-syntax", detail: "a redirect's descriptor that /bin/sh reads as a word of the command" };
  }
  if (redirect.type === "HereDoc") {
    // An unquoted heredoc body still expands $(...) and $VAR: plain only when quoted or free of expansions.
    if (redirect.delimiter?.quoted || !/[$`\\]/.test(redirect.body?.text ?? "")) return null;
    return { risk: "shell-syntax", detail: "a heredoc that expands" };
  }
  if (redirect.type === "Redirect") {
    // bash's `&>` is `&` then `>` to dash: the command would run in the background.
    if (redirect.operator === "&>" || redirect.operator === "&>>")
      return { risk: "shell-syntax", detail: `${redirect.operator} means & then > in /bin/sh` };
    const target = redirect.target ? literalValue(redirect.target) : null;
    const isStderrToStdout = redirect.operator === ">&" && redirect.descriptor?.type === "FileDescriptor" && target === "1";
    // Only plain `>` and `>>` to /dev/null: `>|`, `<>` and `>&FILE` differ between shells or do more.
    const discards = (redirect.operator === ">" || redirect.operator === ">>") && target !== null && SAFE_REDIRECT_TARGETS.has(target);
    if (isStderrToStdout || discards) return null;
    return {
      risk: redirect.operator === "<" ? "shell-syntax" : "write",
      detail: `redirect ${redirect.operator} ${target ?? "(expansion)"}`,
    };
  }
  return { risk: "shell-syntax" };
}

/** The command's name and arguments up to the first word that expands at run time: what prefix rules match. */
export function literalPrefix(command: Command): string[] {
  const words: string[] = [];
  for (const word of [command.name, ...command.args]) {
    if (!word || word.type !== "Word") break;
    const value = literalValue(word);
    if (value === null) break;
    words.push(value);
  }
  return words;
}

/** The word's value after quote removal, or null when any part of it expands at run time. */
function literalValue(word: Word): string | null {
  if (!word.parts) return /[$`]/.test(word.text) ? null : word.value;
  return word.parts.every(isLiteralPart) ? word.value : null;
}

function isLiteralPart(part: WordPart | DoubleQuotedChild): boolean {
  if (part.type === "Literal" || part.type === "SingleQuoted" || part.type === "Glob") return true;
  if (part.type === "DoubleQuoted") return part.parts.every(isLiteralPart);
  return false;
}
