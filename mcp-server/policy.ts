/**
 * Decides whether a command line may run without asking a person.
 *
 * It fails closed: a command runs at once only when the parsed script is nothing but plain commands joined by
 * `;`, `&&`, `||` or `|`, each named by a literal word on the read-only allow-list below and passing that
 * command's argument checks. Everything else (parse errors, expansions, substitutions, redirects to files,
 * subshells, unknown commands...) asks, with a risk label and the part of the command that caused it.
 */
import { parse } from "unbash";
import type { AndOr, Command, DoubleQuotedChild, PipelineNode, Redirection, Statement, Word, WordPart } from "unbash";

export type Risk =
  | "delete"
  | "write"
  | "process"
  | "privilege"
  | "network"
  | "code-execution"
  | "install"
  | "shell-syntax"
  | "unparsable"
  | "unknown-command";

export type Classification =
  | { decision: "allow" }
  | { decision: "ask"; risk: Risk; trigger: string; reason: string };

const RISK_TEXT: Record<Risk, string> = {
  delete: "deletes files",
  write: "writes or moves files",
  process: "signals or stops processes",
  privilege: "changes privileges",
  network: "uses the network",
  "code-execution": "runs arbitrary code",
  install: "installs software",
  "shell-syntax": "uses shell features that are not checked",
  unparsable: "could not be parsed",
  "unknown-command": "is not on the read-only list",
};

const KNOWN_RISKS: Record<string, Risk> = Object.fromEntries(
  (
    [
      ["delete", "rm rmdir unlink shred"],
      ["write", "mv cp dd tee touch mkdir chmod chown chgrp ln install truncate rsync patch mkfs mount umount"],
      ["process", "kill pkill killall shutdown reboot halt poweroff systemctl service crontab nohup timeout"],
      ["privilege", "sudo su doas chroot setcap pkexec passwd useradd usermod"],
      ["network", "curl wget ssh scp sftp nc ncat netcat telnet ftp socat ping"],
      [
        "code-execution",
        "sh bash zsh dash ksh fish eval exec source . python python3 node perl ruby php lua awk gawk xargs env command builtin nice watch parallel make",
      ],
      ["install", "npm npx pnpm yarn bun pip pip3 apt apt-get dpkg brew cargo go gem"],
    ] as const
  ).flatMap(([risk, names]) => names.split(" ").map((name) => [name, risk])),
);

type ArgCheck = (args: readonly string[], hasGlob: boolean) => Risk | null;
const always: ArgCheck = () => null;
const forbidding =
  (risk: Risk, ...flags: string[]): ArgCheck =>
  (args) =>
    args.some((arg) => flags.some((flag) => arg === flag || (flag.startsWith("--") && arg.startsWith(`${flag}=`))))
      ? risk
      : null;

const GIT_READ_ONLY = new Set(["status", "log", "diff", "show", "branch", "rev-parse", "ls-files", "blame"]);
const SED_READ_OPTIONS = new Set(["-n", "-E", "-r", "-s", "--quiet"]);
const GIT_BRANCH_LISTING = new Set(["-a", "-r", "-v", "-vv", "--all", "--remotes", "--list", "--show-current"]);
const GIT_DANGEROUS_FLAGS = ["-c", "--config-env", "--output", "--ext-diff", "--textconv", "--exec", "--exec-path"];

const READ_ONLY: Record<string, ArgCheck> = {
  ls: always,
  cat: always,
  head: always,
  tail: forbidding("process", "-f", "-F", "--follow"),
  wc: always,
  grep: always,
  egrep: always,
  fgrep: always,
  rg: forbidding("code-execution", "--pre", "--search-zip", "-z"),
  pwd: always,
  echo: always,
  printf: always,
  true: always,
  false: always,
  whoami: always,
  id: always,
  uname: always,
  stat: always,
  du: always,
  df: always,
  file: always,
  basename: always,
  dirname: always,
  realpath: always,
  which: always,
  cut: always,
  tr: always,
  nl: always,
  diff: always,
  cmp: always,
  comm: always,
  md5sum: always,
  sha256sum: always,
  date: (args) => (args.some((a) => a === "-s" || a.startsWith("--set")) ? "write" : null),
  find: (args) =>
    args.some((a) => ["-delete"].includes(a))
      ? "delete"
      : args.some((a) => ["-exec", "-execdir", "-ok", "-okdir"].includes(a))
        ? "code-execution"
        : args.some((a) => a.startsWith("-fprint") || a === "-fls")
          ? "write"
          : null,
  sed: (args, hasGlob) => {
    // Only printing a line range or a /pattern/: other scripts can write (w, -i) or execute (e).
    const options = args.filter((a) => a.startsWith("-"));
    const [script] = args.filter((a) => !a.startsWith("-"));
    const printsOnly = script !== undefined && /^(?:[0-9]+(?:,(?:[0-9]+|\$))?|\$|\/[^/\\]*\/)p$/.test(script);
    return !hasGlob && options.includes("-n") && options.every((o) => SED_READ_OPTIONS.has(o)) && printsOnly ? null : "write";
  },
  sort: (args) => (args.some((a) => a === "-o" || a.startsWith("--output") || /^-[^-]*o/.test(a)) ? "write" : null),
  uniq: (args) => (args.filter((a) => !a.startsWith("-")).length > 1 ? "write" : null),
  tree: forbidding("write", "-o"),
  git: (args) => {
    const sub = args.find((a) => !a.startsWith("-"));
    if (!sub || !GIT_READ_ONLY.has(sub) || args.indexOf(sub) !== 0) return "write";
    // `git branch NAME` creates and `-d` deletes: only the listing forms are read-only.
    if (sub === "branch" && !args.slice(1).every((a) => GIT_BRANCH_LISTING.has(a))) return "write";
    return forbidding("code-execution", ...GIT_DANGEROUS_FLAGS)(args, false);
  },
};

const SAFE_REDIRECT_TARGETS = new Set(["/dev/null"]);

class Ask extends Error {
  readonly risk: Risk;
  readonly trigger: string;
  constructor(risk: Risk, trigger: string) {
    super(`${RISK_TEXT[risk]}: ${trigger}`);
    this.risk = risk;
    this.trigger = trigger;
  }
}

export function classifyCommand(source: string): Classification {
  try {
    const script = parse(source);
    if (script.errors?.length) throw new Ask("unparsable", script.errors[0]?.message ?? "parse error");
    if (script.commands.length === 0) throw new Ask("unparsable", "empty command");
    for (const statement of script.commands) checkStatement(statement, source);
    return { decision: "allow" };
  } catch (error) {
    if (error instanceof Ask) return { decision: "ask", risk: error.risk, trigger: error.trigger, reason: error.message };
    // Anything we did not foresee is a reason to ask, never to run.
    return { decision: "ask", risk: "unparsable", trigger: source.slice(0, 200), reason: RISK_TEXT.unparsable };
  }
}

function checkStatement(statement: Statement, source: string): void {
  if (statement.background) throw new Ask("shell-syntax", slice(source, statement));
  checkNode(statement.command, source);
}

function checkNode(node: PipelineNode | AndOr, source: string): void {
  switch (node.type) {
    case "AndOr":
      node.commands.forEach((child) => checkNode(child, source));
      return;
    case "Pipeline":
      if (node.prefixes.length > 0 || node.operators.includes("|&")) throw new Ask("shell-syntax", slice(source, node));
      node.commands.forEach((child) => checkNode(child, source));
      return;
    case "Command":
      checkCommand(node, source);
      return;
    default:
      // Subshells, groups, loops, functions, tests: not checked, so they ask.
      throw new Ask("shell-syntax", slice(source, node));
  }
}

function checkCommand(command: Command, source: string): void {
  const text = slice(source, command);
  if (!command.name) throw new Ask("shell-syntax", text);
  if (command.prefix.some((p) => p.type === "Assignment")) throw new Ask("shell-syntax", text);
  const name = literalValue(command.name);
  if (name === null) throw new Ask("shell-syntax", text);
  if (name.includes("/")) throw new Ask("unknown-command", text);

  const check = READ_ONLY[name];
  if (!check) throw new Ask(KNOWN_RISKS[name] ?? "unknown-command", text);

  const args: string[] = [];
  let hasGlob = false;
  for (const arg of command.args) {
    if (arg.type !== "Word") throw new Ask("shell-syntax", text);
    const value = literalValue(arg);
    if (value === null) throw new Ask("shell-syntax", text);
    hasGlob ||= arg.parts?.some((part) => part.type === "Glob") ?? false;
    args.push(value);
  }
  const risk = check(args, hasGlob);
  if (risk) throw new Ask(risk, text);
  command.redirects.forEach((redirect) => checkRedirect(redirect, text));
}

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
