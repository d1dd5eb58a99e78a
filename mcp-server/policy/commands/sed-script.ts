/**
 * GNU sed runs without asking only when its script is provably print-only. A script is a list of commands, each
 * with optional addresses (`5`, `$`, `/re/I`, `1~2`, `0,/re/`, `addr,+3`) and `!`, separated by `;` or newlines.
 * Allowed commands only print, edit the pattern or hold space, or stop: `p P = l d D n N g G h H x z F q Q`,
 * `s/re/text/flags` with flags among `g p i I m M` and digits, and `y/abc/xyz/`. Everything else asks: `e` and the
 * `e` flag run commands, `w`/`W` and the `w` flag write files, `r`/`R` read files the policy never sees, and the
 * rest (blocks, labels, branches, a/i/c text, comments, `\cREc` addresses) is not worth the risk of misreading.
 * Delimiters are scanned as GNU sed scans them (match_slash): only a backslash escapes, brackets do not.
 */
import type { CommandSpec } from "./command-spec.ts";
import { optionTable } from "./option-table.ts";
import type { Issue, Risk } from "../risks.ts";

const SIMPLE_COMMANDS = new Set("pP=ldDnNgGhHxzFqQ");
const SUBSTITUTE_FLAGS = /^[gpiImM0-9]*$/;
const DANGER: ReadonlyMap<string, Risk> = new Map<string, Risk>([
  ["e", "code-execution"],
  ["w", "write"],
  ["W", "write"],
  ["r", "outside-workspace"],
  ["R", "outside-workspace"],
]);

class NotPrintOnly extends Error {
  readonly risk: Risk;
  constructor(risk: Risk, detail: string) {
    super(detail);
    this.risk = risk;
  }
}

export const sed: CommandSpec = {
  options: optionTable(
    "n|quiet|silent |debug e|expression=text f|file=path!code-execution |follow-symlinks i|in-place?=text!write " +
      "l|line-length=text |posix E r|regexp-extended s|separate |sandbox u|unbuffered z|null-data|zero-terminated " +
      "b|binary |help |version",
  ),
  operands: "pattern-then-paths",
  patternOptions: ["expression", "file"],
  check: (parsed) => {
    const given = parsed.options.filter(({ def }) => def.short === "e").map(({ value }) => value?.text ?? "");
    const fromFile = parsed.options.some(({ def }) => def.short === "f");
    const scripts = given.length > 0 || fromFile ? given : parsed.operands.slice(0, 1).map((operand) => operand.text);
    // sed joins -e pieces with newlines; check the whole, so no piece can finish a command another started.
    const issue = scripts.length > 0 ? scriptIssue(scripts.join("\n")) : null;
    return issue ? [issue] : [];
  },
};

export function scriptIssue(script: string): Issue | null {
  try {
    new ScriptReader(script).readAll();
    return null;
  } catch (error) {
    if (error instanceof NotPrintOnly) return { risk: error.risk, detail: `sed script ${JSON.stringify(script)}: ${error.message}` };
    throw error;
  }
}

class ScriptReader {
  private i = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  readAll(): void {
    for (;;) {
      this.skip(/[\s;]/);
      if (this.i >= this.text.length) return;
      this.command();
      this.skip(/[ \t]/);
      const next = this.text[this.i];
      if (next !== undefined && next !== ";" && next !== "\n")
        throw new NotPrintOnly("unchecked-option", `unexpected ${JSON.stringify(next)}`);
    }
  }

  private command(): void {
    if (this.address()) {
      this.skip(/[ \t]/);
      if (this.text[this.i] === ",") {
        this.i++;
        this.skip(/[ \t]/);
        if (!this.address(true)) throw new NotPrintOnly("unchecked-option", "a second address was expected");
      }
    }
    this.skip(/[ \t]/);
    if (this.text[this.i] === "!") {
      this.i++;
      this.skip(/[ \t]/);
    }
    const name = this.text[this.i++] ?? "";
    if (name === "s" || name === "y") {
      const delimiter = this.text[this.i++];
      if (delimiter === undefined || delimiter === "\\" || delimiter === "\n")
        throw new NotPrintOnly("unchecked-option", `bad ${name} delimiter`);
      this.delimited(delimiter);
      this.delimited(delimiter);
      const flags = this.take(/[^\s;}#]/);
      if (name === "y" && flags !== "") throw new NotPrintOnly("unchecked-option", `y takes no flags`);
      if (!SUBSTITUTE_FLAGS.test(flags)) {
        const bad = [...flags].find((flag) => DANGER.has(flag));
        throw new NotPrintOnly((bad && DANGER.get(bad)) || "unchecked-option", `s flags "${flags}"`);
      }
      return;
    }
    if (!SIMPLE_COMMANDS.has(name)) {
      throw new NotPrintOnly(DANGER.get(name) ?? "unchecked-option", `command "${name}" is not print-only`);
    }
    // q, Q, l and L may take a number (exit code, line length).
    if ("qQl".includes(name)) {
      this.skip(/[ \t]/);
      this.take(/[0-9]/);
    }
  }

  /** Reads an address if there is one; `second` also allows `+N` and `~N`. */
  private address(second = false): boolean {
    const char = this.text[this.i];
    if (char === "$") {
      this.i++;
      return true;
    }
    if (char === "/") {
      this.i++;
      this.delimited("/");
      this.take(/[IM]/);
      return true;
    }
    if (second && (char === "+" || char === "~")) {
      this.i++;
      if (this.take(/[0-9]/) === "") throw new NotPrintOnly("unchecked-option", `${char} needs a number`);
      return true;
    }
    if (this.take(/[0-9]/) === "") return false;
    if (this.text[this.i] === "~") {
      this.i++;
      if (this.take(/[0-9]/) === "") throw new NotPrintOnly("unchecked-option", "~ needs a number");
    }
    return true;
  }

  /** Reads up to and past the next unescaped delimiter; newlines inside ask (they can end a command early). */
  private delimited(delimiter: string): void {
    for (;;) {
      const char = this.text[this.i++];
      if (char === undefined || char === "\n") throw new NotPrintOnly("unchecked-option", `unterminated ${delimiter}...${delimiter}`);
      if (char === delimiter) return;
      if (char === "\\") {
        const escaped = this.text[this.i++];
        if (escaped === undefined || escaped === "\n") throw new NotPrintOnly("unchecked-option", "escaped newline");
      }
    }
  }

  private skip(pattern: RegExp): void {
    this.take(pattern);
  }

  private take(pattern: RegExp): string {
    const start = this.i;
    while (this.i < this.text.length && pattern.test(this.text[this.i]!)) this.i++;
    return this.text.slice(start, this.i);
  }
}
