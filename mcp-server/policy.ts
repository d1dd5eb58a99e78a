/**
 * Decides whether a command line may run without asking a person, must ask, or is refused.
 *
 * It fails closed: a command runs at once only when the parsed script is nothing but plain commands joined by
 * `;`, `&&`, `||` or `|`, each named by a literal word and either on the read-only allow-list (passing that
 * command's argument checks, with paths inside the workspace) or matched by an allow rule / remembered approval.
 * Everything else (parse errors, expansions, substitutions, redirects to files, subshells, unknown commands...)
 * asks, with a risk label and the part of the command that caused it. Deny rules are checked first, on every
 * simple command anywhere in the script (inside substitutions and subshells too), and refuse without asking.
 */
import path from "node:path";
import { forEachChild, parse } from "unbash";
import type { AndOr, Command, DoubleQuotedChild, PipelineNode, Redirection, Statement, SyntaxNode, Word, WordPart } from "unbash";
import { findRule, type PolicyRules, type PrefixRule } from "./policy-rules.ts";
import { KNOWN_RISKS, READ_ONLY, RISK_TEXT, pathArguments, type Risk } from "./read-only-commands.ts";

export type { Risk } from "./read-only-commands.ts";

/** How an allowed script got its permission: the built-in list, an allow rule, or the person's remembered yes. */
export type AllowedBy = "built-in" | "policy" | "remembered";

export type Classification =
  | { decision: "allow"; by: AllowedBy }
  | { decision: "ask"; risk: Risk; trigger: string; reason: string; prefix?: string }
  | { decision: "deny"; rule: string; trigger: string; reason: string };

export interface ClassifyContext {
  /** When set, read-only commands naming paths outside it ask ("outside-workspace"). */
  workspaceDir?: string;
  rules?: PolicyRules;
  /** Exact command lines the person approved for this session. */
  rememberedCommands?: ReadonlySet<string>;
  /** Prefix rules the person approved for this session. */
  rememberedPrefixes?: readonly PrefixRule[];
  /**
   * Why git may run a program the repository chose (its config sets fsmonitor, a pager, textconv...), or null.
   * Asked only when a git command would otherwise run without asking (see git-safety.ts).
   */
  gitRepoRisk?: () => string | null;
}

class Ask extends Error {
  readonly risk: Risk;
  readonly trigger: string;
  readonly prefix: string | undefined;
  constructor(risk: Risk, trigger: string, prefix?: string) {
    super(`${RISK_TEXT[risk]}: ${trigger}`);
    this.risk = risk;
    this.trigger = trigger;
    this.prefix = prefix;
  }
}

/** Commands whose subcommand is what a person means by "commands like this" (git push, npm test). */
const SUBCOMMAND_TOOLS = new Set(["git", "npm", "npx", "pnpm", "yarn", "bun", "cargo", "go", "docker", "kubectl", "make", "pip", "pip3", "apt", "apt-get", "systemctl", "brew", "gem"]);

/**
 * Risks whose commands may be remembered by prefix. Not interpreters, shells, wrappers, privilege, package
 * managers or the network (remembering `bash` or `sudo` would approve anything at all), nor syntax the prefix
 * cannot see past, nor reaching outside the workspace.
 */
const PREFIX_RISKS = new Set<Risk>(["delete", "write", "process", "unknown-command", "policy"]);

/** Whether "commands starting with `prefix`" may be remembered after a question of this risk. */
export function rememberable(risk: Risk, prefix: string): boolean {
  const name = prefix.split(" ")[0] ?? "";
  const named = KNOWN_RISKS[name];
  return PREFIX_RISKS.has(risk) && (named === undefined || PREFIX_RISKS.has(named));
}

/** The prefix offered as "commands starting with …": the name, plus the subcommand for multi-command tools. */
export function suggestedPrefix(words: readonly string[]): string | undefined {
  const [name, sub] = words;
  if (!name) return undefined;
  return SUBCOMMAND_TOOLS.has(name) && sub !== undefined && /^[a-z][a-z0-9:-]*$/.test(sub) ? `${name} ${sub}` : name;
}

export function classifyCommand(source: string, context: ClassifyContext = {}): Classification {
  try {
    const script = parse(source);
    if (script.errors?.length) throw new Ask("unparsable", script.errors[0]?.message ?? "parse error");
    if (script.commands.length === 0) throw new Ask("unparsable", "empty command");
    const denied = findDenied(script, source, context.rules?.deny ?? []);
    if (denied) return denied;
    if (context.rememberedCommands?.has(source)) return { decision: "allow", by: "remembered" };
    const walk = new ScriptCheck(source, context);
    for (const statement of script.commands) walk.statement(statement);
    return { decision: "allow", by: walk.allowedBy };
  } catch (error) {
    if (error instanceof Ask) {
      const prefix = error.prefix && rememberable(error.risk, error.prefix) ? error.prefix : undefined;
      return { decision: "ask", risk: error.risk, trigger: error.trigger, reason: error.message, ...(prefix && { prefix }) };
    }
    // Anything we did not foresee is a reason to ask, never to run.
    return { decision: "ask", risk: "unparsable", trigger: source.slice(0, 200), reason: RISK_TEXT.unparsable };
  }
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

/** The command's name and arguments up to the first word that expands at run time. */
function literalPrefix(command: Command): string[] {
  const words: string[] = [];
  for (const word of [command.name, ...command.args]) {
    if (!word || word.type !== "Word") break;
    const value = literalValue(word);
    if (value === null) break;
    words.push(value);
  }
  return words;
}

class ScriptCheck {
  allowedBy: AllowedBy = "built-in";
  private readonly source: string;
  private readonly context: ClassifyContext;
  constructor(source: string, context: ClassifyContext) {
    this.source = source;
    this.context = context;
  }

  statement(statement: Statement): void {
    if (statement.background) throw new Ask("shell-syntax", slice(this.source, statement));
    this.node(statement.command);
  }

  private node(node: PipelineNode | AndOr): void {
    switch (node.type) {
      case "AndOr":
        node.commands.forEach((child) => this.node(child));
        return;
      case "Pipeline":
        if (node.prefixes.length > 0 || node.operators.includes("|&")) throw new Ask("shell-syntax", slice(this.source, node));
        node.commands.forEach((child) => this.node(child));
        return;
      case "Command":
        this.command(node);
        return;
      default:
        // Subshells, groups, loops, functions, tests: not checked, so they ask.
        throw new Ask("shell-syntax", slice(this.source, node));
    }
  }

  private command(command: Command): void {
    const text = slice(this.source, command);
    if (!command.name) throw new Ask("shell-syntax", text);
    if (command.prefix.some((p) => p.type === "Assignment")) throw new Ask("shell-syntax", text);
    const name = literalValue(command.name);
    if (name === null) throw new Ask("shell-syntax", text);
    const words = literalPrefix(command);
    const prefix = suggestedPrefix(words);
    const { rules, rememberedPrefixes = [] } = this.context;

    if (rules && findRule(words, rules.ask)) throw new Ask("policy", text, prefix);
    const isLiteral = words.length === command.args.length + 1;
    const remembered = findRule(words, rememberedPrefixes);
    const allowRule = rules ? findRule(words, rules.allow) : undefined;
    // A rule covers the words it can see; an expansion after them could turn the command into anything.
    if ((remembered || allowRule) && !isLiteral) throw new Ask("shell-syntax", text, prefix);
    const check = READ_ONLY[name];
    if (!remembered && !allowRule) {
      if (name.includes("/")) throw new Ask("unknown-command", text, prefix);
      if (!check) throw new Ask(KNOWN_RISKS[name] ?? "unknown-command", text, prefix);
    }
    if (!isLiteral) throw new Ask("shell-syntax", text, prefix);
    command.redirects.forEach((redirect) => checkRedirect(redirect, text));
    const args = words.slice(1);
    if (remembered || allowRule) {
      // A rule widens what runs without asking inside the workspace; `rm` remembered is not `rm -rf ~`.
      if (this.context.workspaceDir && leavesWorkspace(this.context.workspaceDir, pathArguments(name, args))) {
        throw new Ask("outside-workspace", text);
      }
      // A person's own yes is the stronger statement to report; both only ever widen, never override deny.
      if (remembered) this.allowedBy = "remembered";
      else if (this.allowedBy === "built-in") this.allowedBy = "policy";
      return;
    }

    const hasGlob = command.args.some((arg) => arg.type === "Word" && (arg.parts?.some((part) => part.type === "Glob") ?? false));
    const risk = check ? check(args, hasGlob) : "unknown-command";
    if (risk) throw new Ask(risk, text, prefix);
    const gitRisk = name === "git" ? this.context.gitRepoRisk?.() : null;
    if (gitRisk) throw new Ask("code-execution", `${text} (${gitRisk})`);
    if (this.context.workspaceDir && leavesWorkspace(this.context.workspaceDir, pathArguments(name, args))) {
      throw new Ask("outside-workspace", text, prefix);
    }
  }
}

function leavesWorkspace(workspaceDir: string, paths: readonly string[]): boolean {
  const root = path.resolve(workspaceDir);
  return paths.some((arg) => {
    if (arg === "/dev/null") return false;
    // `~` is $HOME, which is outside the workspace unless the server set it so; ask rather than guess.
    if (arg.startsWith("~")) return true;
    const resolved = path.resolve(root, arg);
    return resolved !== root && !resolved.startsWith(root + path.sep);
  });
}

const SAFE_REDIRECT_TARGETS = new Set(["/dev/null"]);

function checkRedirect(redirect: Redirection, text: string): void {
  if (redirect.type === "HereDoc") {
    // An unquoted heredoc body still expands $(...) and $VAR: plain only when quoted or free of expansions.
    if (redirect.delimiter?.quoted || !/[$`\\]/.test(redirect.body?.text ?? "")) return;
    throw new Ask("shell-syntax", text);
  }
  if (redirect.type === "Redirect") {
    const target = redirect.target ? literalValue(redirect.target) : null;
    const isStderrToStdout = redirect.operator === ">&" && redirect.descriptor?.type === "FileDescriptor" && target === "1";
    if (isStderrToStdout || (redirect.operator !== "<" && target !== null && SAFE_REDIRECT_TARGETS.has(target))) return;
    throw new Ask(redirect.operator === "<" ? "shell-syntax" : "write", text);
  }
  throw new Ask("shell-syntax", text);
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

function slice(source: string, node: { pos: number; end: number }): string {
  const text = source.slice(node.pos, node.end).trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
