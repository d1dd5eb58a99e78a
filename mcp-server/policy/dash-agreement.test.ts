/**
 * The classifier reads a command line with unbash, which parses bash; /bin/sh is dash. Where the two end a heredoc,
 * a word or a command at different places, the classifier checks one script and dash runs another. This suite
 * builds many lines out of `echo`, `cat` heredocs and harmless redirects, in every delimiter and quoting form that
 * differs between the shells, and for each line the classifier lets run at once it asserts that dash, really run,
 * prints exactly what unbash's reading of the line predicts. Lines the classifier asks about are not run.
 * Everything runs in a scratch directory; the hidden commands only ever `echo INJECTED`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, type Command, type SyntaxNode } from "unbash";
import { afterAll, describe, expect, it } from "vitest";
import { classifyCommand } from "./classifier.ts";
import { readWord } from "./shell-words.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "dash-agreement-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What the commands unbash found print, in order, when every one is echo, printf-free, or cat of a heredoc. */
function predict(source: string): string {
  let output = "";
  const visit = (node: SyntaxNode): void => {
    if (node.type !== "Command") return forEachNode(node, visit);
    const command = node as Command;
    const words = [command.name, ...command.args].map((word) => {
      if (!word || word.type !== "Word") throw new Error("not a plain word");
      const read = readWord(word);
      if (read.kind !== "word" || read.pattern) throw new Error("not a plain word");
      return read.text;
    });
    const discarded = command.redirects.some(
      (r) =>
        r.type === "Redirect" &&
        r.operator === ">" &&
        (r.descriptor === undefined || (r.descriptor.type === "FileDescriptor" && r.descriptor.value === 1)),
    );
    let printed = "";
    if (words[0] === "echo") printed = `${words.slice(1).join(" ")}\n`;
    else if (words[0] === "cat" && words.length === 1) {
      for (const redirect of command.redirects) {
        if (redirect.type !== "HereDoc") continue;
        const strip = redirect.operator === "<<-";
        printed = redirect.body.text.replace(/^\t+/gm, (tabs) => (strip ? "" : tabs));
      }
    } else if (words[0] !== "true") throw new Error(`unexpected command ${words[0]}`);
    if (!discarded) output += printed;
  };
  visit(parse(source));
  return output;
}

function forEachNode(node: SyntaxNode, visit: (child: SyntaxNode) => void): void {
  // Statements, lists and and-or chains in source order; anything else was not allowed to run anyway.
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === "object" && "type" in child && typeof child.type === "string") visit(child as SyntaxNode);
    }
  }
}

const DELIMITERS = [
  "EOF",
  "'EOF'",
  '"EOF"',
  "\\EOF",
  "E\\OF",
  "'E'OF",
  'E"O"F',
  "$'EOF'",
  '$"EOF"',
  "E$'O'F",
  "$'E\\x4fF'",
  "E\\\nOF",
  '"E\\OF"',
  "E.O-F_1",
];
const CLOSINGS = ["EOF", "$EOF", "E$OF", "$'EOF'", "EOF ", "\tEOF", "EO\\\nF", "E\\OF", "E.O-F_1"];
const BODIES = ["hello\n", "", "kept \\\n", "\thello\n", "$EOF\n", "EOF2\n"];

function heredocLines(): string[] {
  const lines: string[] = [];
  for (const operator of ["<<", "<<-"]) {
    for (const delimiter of DELIMITERS) {
      for (const closing of CLOSINGS) {
        for (const body of BODIES) lines.push(`cat ${operator}${delimiter}\n${body}${closing}\necho INJECTED\nEOF\necho END`);
      }
    }
  }
  return lines;
}

const OTHER_LINES = [
  "echo a 12>/dev/null",
  "echo a 09>/dev/null",
  "echo a {fd}>/dev/null",
  "echo a 2>/dev/null",
  "echo a >/dev/null 2>&1; echo b",
  "echo a >|/dev/null",
  "echo hi # comment \\\necho INJECTED",
  "ec\\\nho joined",
  "echo 'a\\\nb'",
  'echo "a\\\nb"',
  "echo a\\\nb",
  "echo $'a\\'b' ; echo INJECTED '",
  "echo a#b #c",
  "cat <<A <<'B'\na\nA\nb\nB\necho END",
  "cat <<A; echo mid\nbody\nA\necho END",
];

describe.each([...heredocLines(), ...OTHER_LINES].map((line) => [line]))("%j", (line) => {
  it("runs at once only if dash runs what the classifier read", () => {
    const verdict = classifyCommand(line, { workspaceDir: scratch });
    if (verdict.decision !== "allow") return;
    const real = spawnSync("/bin/sh", ["-c", line], {
      cwd: scratch,
      encoding: "utf8",
      timeout: 5_000,
      env: { ...process.env, PATH: "/usr/bin:/bin" },
    });
    expect({ line, stdout: real.stdout }).toEqual({ line, stdout: predict(line) });
  });
});

it("lets most of the plain heredoc forms run, so the suite compares something", () => {
  const allowed = heredocLines().filter((line) => classifyCommand(line, { workspaceDir: scratch }).decision === "allow");
  expect(allowed.length).toBeGreaterThan(50);
});
