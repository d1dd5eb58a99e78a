/**
 * What the classifier knows about a command it may run (or remember), and the check that applies that knowledge
 * to the command's words: options against its table, path values and path operands against the workspace.
 */
import { parseOptions, type Arg, type ParsedArgs } from "./option-parser.ts";
import type { OptionTable } from "./option-table.ts";
import type { Issue, Risk } from "../risks.ts";
import type { PathUse, Workspace } from "../workspace-paths.ts";

/** A command's check: every issue its words raise, none when it may run. */
export interface Tool {
  /** Whether words starting with `-` are options to it (then a file name must never become one). */
  takesOptions: boolean;
  /** What the tool does whatever its words (rm deletes), when that does not depend on them. */
  inherent?: Risk;
  check(args: readonly Arg[], workspace: Workspace): Issue[];
}

export interface CommandSpec {
  /** The tool's own risk (rm deletes). Absent for read-only tools; an allow rule or remembered prefix lifts it. */
  inherent?: Risk;
  options: OptionTable;
  /** What the operands are: files, free text, or a pattern (unless an option gave it) followed by files. */
  operands: "paths" | "text" | "pattern-then-paths";
  /** How operand paths are used (default: read). */
  pathUse?: PathUse;
  /** Long names of options that give the pattern, so that every operand is a file (grep -e, -f). */
  patternOptions?: readonly string[];
  /** More operands than this ask with the given risk (uniq IN OUT writes OUT). */
  maxOperands?: { count: number; risk: Risk; why: string };
  /** Directories (operands or path values) ask: the tool would read the files in them, following symlinks (diff). */
  filesOnly?: boolean;
  /** Tool-specific checks on the parsed words (sed scripts, date's operand). */
  check?: (parsed: ParsedArgs, workspace: Workspace) => Issue[];
}

export function specTool(spec: CommandSpec): Tool {
  return { takesOptions: true, inherent: spec.inherent, check: (args, workspace) => checkSpec(spec, args, workspace) };
}

function checkSpec(spec: CommandSpec, args: readonly Arg[], workspace: Workspace): Issue[] {
  const parsed = parseOptions(spec.options, args);
  const issues: Issue[] = spec.inherent ? [{ risk: spec.inherent, inherent: true }] : [];
  issues.push(...parsed.issues);
  const checkPath = (text: string, use: PathUse) => {
    const issue = workspace.check(text, use);
    pushIssue(issues, issue);
    if (!issue && spec.filesOnly && text !== "/dev/null" && workspace.resolve(text).isDirectory) {
      issues.push({ risk: "outside-workspace", detail: `${text} is a directory: its files are read through symlinks` });
    }
  };
  for (const { def, value } of parsed.options) {
    // A declared-risky option asks anyway; its own risk names it better than where its value points.
    if (value && def.value !== "text" && !def.risk) checkPath(value.text, def.value === "dest" ? "write" : "read");
  }
  let files = parsed.operands;
  if (spec.operands === "text") files = [];
  const patternGiven = parsed.options.some(({ def }) => def.longs.some((name) => spec.patternOptions?.includes(name)));
  if (spec.operands === "pattern-then-paths" && !patternGiven) files = files.slice(1);
  for (const file of files) checkPath(file.text, spec.pathUse ?? "read");
  if (spec.maxOperands && parsed.operands.length > spec.maxOperands.count) {
    issues.push({ risk: spec.maxOperands.risk, detail: spec.maxOperands.why });
  }
  if (spec.check) issues.push(...spec.check(parsed, workspace));
  return issues;
}

export function pushIssue(issues: Issue[], issue: Issue | null): void {
  if (issue) issues.push(issue);
}

/**
 * The words of a command the policy has no option table for (a tool an allow rule covers, git's other
 * subcommands), read the only way that is sound without knowing the tool: every operand and every `--name=value`
 * value is checked as a path; `--name` and a single `-x` carry no value; a short option with more after its
 * letter (`-F/etc/shadow`, `-C/etc`, but also `-am`) asks, since only the tool knows whether that is a cluster of
 * flags or a flag with its value attached. Words after `--` are read the same way: the tool may pass them on.
 */
export function untabledArgIssues(args: readonly Arg[], workspace: Workspace): Issue[] {
  const issues: Issue[] = [];
  for (const { text } of args) {
    if (text === "-" || text === "--" || /^-[^-]$/.test(text)) continue;
    if (text.startsWith("--")) {
      const equals = text.indexOf("=");
      if (equals !== -1) pushIssue(issues, workspace.check(text.slice(equals + 1), "read"));
      continue;
    }
    if (text.startsWith("-")) {
      // Name where the value would lead when it is a path out; ask either way.
      const attached = workspace.check(text.slice(2), "read");
      issues.push(
        attached
          ? { ...attached, detail: `${text}: ${attached.detail}` }
          : { risk: "unchecked-option", detail: `${text}: an option with text attached, which the policy cannot read for this command` },
      );
      continue;
    }
    pushIssue(issues, workspace.check(text, "read"));
  }
  return issues;
}

/** Commands whose words are all text to print or compare: no options to misread, no files to open. */
export const textOnly: Tool = { takesOptions: false, check: () => [] };
