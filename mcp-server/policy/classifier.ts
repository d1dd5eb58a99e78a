/**
 * Decides whether a command line may run without asking a person, must ask, or is refused.
 *
 * It fails closed: a command runs at once only when the parsed script is nothing but plain commands joined by
 * `;`, `&&`, `||` or `|`, and every one of them passes its check in simple-command.ts (a known tool, options
 * on its allow-list, paths inside the workspace after symlinks, patterns expanded as dash will) or is covered
 * by an allow rule / remembered prefix that lifts its inherent risk only. Everything else asks, naming the most
 * severe risk among all parts and the part that causes it. Deny rules are checked first, on every simple
 * command anywhere in the script (inside substitutions and subshells too), and refuse without asking.
 */
import path from "node:path";
import { forEachChild, parse } from "unbash";
import type { AndOr, HereDoc, PipelineNode, SyntaxNode } from "unbash";
import { GlobBudget } from "./dash-glob.ts";
import { findRule, type PolicyRules, type PrefixRule } from "./prefix-rules.ts";
import { RISK_TEXT, mostSevere, type Issue, type Risk } from "./risks.ts";
import { checkSimpleCommand, literalPrefix, type AllowedBy, type CommandContext } from "./simple-command.ts";
import { Workspace } from "./workspace-paths.ts";

export type { Risk } from "./risks.ts";
export type { AllowedBy } from "./simple-command.ts";

export type Classification =
  | { decision: "allow"; by: AllowedBy }
  | { decision: "ask"; risk: Risk; trigger: string; reason: string; prefix?: string }
  | { decision: "deny"; rule: string; trigger: string; reason: string };

export interface ClassifyContext {
  /** Where commands run. Paths, patterns and symlinks are resolved against it on every call. */
  workspaceDir: string;
  rules?: PolicyRules;
  /** Exact command lines the person approved in this conversation. */
  rememberedCommands?: ReadonlySet<string>;
  /** Prefix rules the person approved in this conversation. */
  rememberedPrefixes?: readonly PrefixRule[];
  /**
   * Why git may run a program the repository chose (its config sets fsmonitor, a pager, textconv...), or null.
   * Asked only when a git command would otherwise run without asking (see git-safety.ts).
   */
  gitRepoRisk?: () => string | null;
}

/** One part of the script that asks. */
interface Part {
  issue: Issue;
  trigger: string;
  prefix?: string;
}

const PRECEDENCE: Record<AllowedBy, number> = { "built-in": 0, policy: 1, remembered: 2 };

export function classifyCommand(source: string, context: ClassifyContext): Classification {
  try {
    const script = parse(source);
    if (script.errors?.length) return ask({ issue: { risk: "unparsable" }, trigger: script.errors[0]?.message ?? "parse error" }, true);
    if (script.commands.length === 0) return ask({ issue: { risk: "unparsable" }, trigger: "empty command" }, true);
    const denied = findDenied(script, source, context.rules?.deny ?? []);
    if (denied) return denied;
    if (context.rememberedCommands?.has(source)) return { decision: "allow", by: "remembered" };
    // unbash reads heredocs as bash does; where dash could end one elsewhere, the rest of the tree is not to be trusted.
    const hereDocIssue = checkHereDocs(script, source);
    if (hereDocIssue) {
      // Any line may then be a command to dash: a deny rule matching one refuses, as it would have in any other place.
      const denied = denyOnAnyLine(source, context.rules?.deny ?? []);
      return denied ?? ask({ issue: { risk: "shell-syntax", detail: hereDocIssue.detail }, trigger: hereDocIssue.trigger }, true);
    }

    const commandContext: CommandContext = {
      workspace: new Workspace(context.workspaceDir),
      budget: new GlobBudget(),
      rules: context.rules,
      rememberedPrefixes: context.rememberedPrefixes ?? [],
      gitRepoRisk: context.gitRepoRisk,
    };
    const parts: Part[] = [];
    let allowedBy: AllowedBy = "built-in";
    const visit = (node: PipelineNode | AndOr): void => {
      if (node.type === "AndOr") return node.commands.forEach(visit);
      if (node.type === "Pipeline") {
        if (node.prefixes.length > 0 || node.operators.includes("|&")) parts.push(structure(source, node));
        else node.commands.forEach(visit);
        return;
      }
      // Subshells, groups, loops, functions, tests: not looked into, so they ask.
      if (node.type !== "Command") return void parts.push(structure(source, node));
      const result = checkSimpleCommand(node, commandContext);
      if ("allowedBy" in result) {
        if (PRECEDENCE[result.allowedBy] > PRECEDENCE[allowedBy]) allowedBy = result.allowedBy;
      } else {
        parts.push({ issue: result.issue, trigger: slice(source, node), prefix: result.prefix });
      }
    };
    for (const statement of script.commands) {
      if (statement.background) parts.push(structure(source, statement));
      else visit(statement.command);
    }
    if (parts.length === 0) return { decision: "allow", by: allowedBy };
    // "Remember commands starting with rm" only when rm is the one thing asking: it would not cover the rest.
    const worst = mostSevere(parts.map((part) => ({ risk: part.issue.risk, part })))!.part;
    return ask(worst, parts.length === 1);
  } catch {
    // Anything we did not foresee is a reason to ask, never to run.
    return { decision: "ask", risk: "unparsable", trigger: source.slice(0, 200), reason: RISK_TEXT.unparsable };
  }
}

function ask({ issue, trigger, prefix }: Part, alone: boolean): Classification {
  const detail = issue.detail ? ` (${issue.detail})` : "";
  const offered = alone && prefix ? { prefix } : {};
  return { decision: "ask", risk: issue.risk, trigger, reason: `${RISK_TEXT[issue.risk]}: ${trigger}${detail}`, ...offered };
}

function structure(source: string, node: { pos: number; end: number }): Part {
  return { issue: { risk: "shell-syntax" }, trigger: slice(source, node) };
}

/** Any simple command in the script, however deeply nested, whose literal words start with a deny rule. */
function findDenied(root: SyntaxNode, source: string, deny: readonly PrefixRule[]): Classification | null {
  if (deny.length === 0) return null;
  let found: Classification | null = null;
  const visit = (node: SyntaxNode) => {
    if (found) return;
    if (node.type === "Command") {
      const words = literalPrefix(node);
      // `/usr/bin/git push` is still git push.
      if (words[0]?.includes("/")) words[0] = path.basename(words[0]);
      const rule = findRule(words, deny);
      if (rule) {
        const trigger = slice(source, node);
        found = { decision: "deny", rule: rule.text, trigger, reason: `denied by the policy rule "${rule.text}": ${trigger}` };
        return;
      }
    }
    forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/** Each line read on its own, for when the script's own reading of heredocs cannot be trusted. */
function denyOnAnyLine(source: string, deny: readonly PrefixRule[]): Classification | null {
  if (deny.length === 0) return null;
  for (const line of source.split("\n")) {
    let script: SyntaxNode;
    try {
      script = parse(line);
    } catch {
      continue;
    }
    const denied = findDenied(script, line, deny);
    if (denied) return denied;
  }
  return null;
}

/**
 * Heredoc delimiters whose meaning is the same in bash (unbash) and dash: plain characters, optionally quoted
 * whole with '...' or "...", or with backslashes before plain characters. `$'EOF'`, `$"EOF"`, `E$'O'F`,
 * `E\<newline>OF`, `"E\OF"` and anything else may end the heredoc at another line in dash, so they ask.
 */
const PLAIN_DELIMITER = /^(?:[A-Za-z0-9_.-]+|'[A-Za-z0-9_.-]+'|"[A-Za-z0-9_.-]+"|(?:\\?[A-Za-z0-9_.-])+)$/;

/**
 * Checks, independently of unbash, that every heredoc ends where dash would end it: the body starts at a line
 * start, no line of it (after `<<-` strips leading tabs) is the delimiter, and the line after it is exactly the
 * delimiter. Heredocs on one line follow each other. Whatever fails (or a body that runs to the end of the input,
 * or an unquoted body with a backslash-newline, which dash and bash join differently) asks.
 */
function checkHereDocs(root: SyntaxNode, source: string): { trigger: string; detail: string } | null {
  const hereDocs: HereDoc[] = [];
  const visit = (node: SyntaxNode) => {
    if (node.type === "HereDoc") hereDocs.push(node);
    forEachChild(node, visit);
  };
  visit(root);
  hereDocs.sort((a, b) => a.pos - b.pos);
  const ends = new Map<HereDoc, number>();
  for (const hereDoc of hereDocs) {
    const trigger = slice(source, hereDoc);
    const fail = (why: string) => ({ trigger, detail: `heredoc ${why}` });
    const delimiter = hereDoc.delimiter;
    if (!delimiter) return fail("without a delimiter");
    const raw = source.slice(delimiter.pos, delimiter.end);
    if (!PLAIN_DELIMITER.test(raw)) return fail(`delimiter ${JSON.stringify(raw)} may mean something else in /bin/sh`);
    const quoted = /['"\\]/.test(raw);
    const word = raw.replace(/['"\\]/g, "");
    if (delimiter.value !== word || delimiter.quoted !== quoted) return fail(`delimiter ${JSON.stringify(raw)} is not read as ${word}`);
    const { body } = hereDoc;
    if (body.pos === 0 || source[body.pos - 1] !== "\n" || source.slice(body.pos, body.end) !== body.text)
      return fail("body does not start on its own line");
    const strip = (line: string) => (hereDoc.operator === "<<-" ? line.replace(/^\t+/, "") : line);
    const lines = body.text === "" ? [] : body.text.split("\n");
    if (lines.length > 0 && lines.pop() !== "") return fail("body runs to the end of the input");
    if (lines.some((line) => strip(line) === word)) return fail(`body holds the delimiter line ${word}`);
    if (!quoted && body.text.includes("\\\n")) return fail("body continues a line with a backslash");
    let closingEnd = source.indexOf("\n", body.end);
    if (closingEnd === -1) closingEnd = source.length;
    if (!hereDoc.closing || strip(source.slice(body.end, closingEnd)) !== word) return fail(`is not closed by the line ${word}`);
    ends.set(hereDoc, closingEnd + 1);
  }
  // Heredocs started on the same line: each body starts right after the previous one's closing line.
  for (let i = 1; i < hereDocs.length; i++) {
    const previous = hereDocs[i - 1]!;
    const current = hereDocs[i]!;
    if (current.pos < previous.body.pos && current.body.pos !== ends.get(previous)) {
      return { trigger: slice(source, current), detail: "heredoc body does not follow the previous one" };
    }
  }
  return null;
}

function slice(source: string, node: { pos: number; end: number }): string {
  const text = source.slice(node.pos, node.end).trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
