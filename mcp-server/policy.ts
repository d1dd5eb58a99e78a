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
import type { AndOr, PipelineNode, SyntaxNode } from "unbash";
import { GlobBudget } from "./dash-glob.ts";
import { findRule, type PolicyRules, type PrefixRule } from "./policy-rules.ts";
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

function slice(source: string, node: { pos: number; end: number }): string {
  const text = source.slice(node.pos, node.end).trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
