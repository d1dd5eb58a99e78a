/**
 * The expansion must give exactly the words dash gives: each pattern is expanded both by expandPattern and by
 * /bin/sh itself in the same directory, and the two lists compared.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, type Command } from "unbash";
import { afterAll, describe, expect, it } from "vitest";
import { GlobBudget, expandPattern } from "./dash-glob.ts";
import { readWord } from "./shell-words.ts";
import { Workspace } from "./workspace-paths.ts";

const base = mkdtempSync(path.join(tmpdir(), "dash-glob-"));
const dir = path.join(base, "ws");
afterAll(() => rmSync(base, { recursive: true, force: true }));
mkdirSync(path.join(dir, "src", "deep"), { recursive: true });
mkdirSync(path.join(dir, ".hidden-dir"));
for (const name of [
  "a",
  "b",
  "B",
  "ab",
  "-n",
  "-rf",
  "]",
  "^",
  ".hid",
  "x.ts",
  "y.ts",
  "src/i.ts",
  "src/.dot.ts",
  "src/deep/z.ts",
  "sp ace",
]) {
  writeFileSync(path.join(dir, name), "");
}
symlinkSync("src", path.join(dir, "link"));

/** The words dash makes of `pattern` (one argument each, in order), run in the workspace. */
function dash(pattern: string): string[] {
  const out = execFileSync("/bin/sh", ["-c", `for w in ${pattern}; do printf '%s\\0' "$w"; done`], { cwd: dir, encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

function ours(pattern: string) {
  const word = (parse(`x ${pattern}`).commands[0]!.command as Command).args[0]!;
  const read = word.type === "Word" ? readWord(word) : null;
  if (read?.kind !== "word" || !read.pattern) throw new Error(`not a pattern: ${pattern}`);
  return expandPattern(read.pattern, read.text, new Workspace(dir), new GlobBudget());
}

describe("expandPattern agrees with dash", () => {
  it.each([
    "*",
    "?",
    "??",
    "*b",
    "[ab]",
    "[!ab]",
    "[a-b]*",
    "[]]",
    "[!]]",
    "[-]*",
    "-*",
    ".h*",
    "*/",
    "*/*",
    "*/*.ts",
    "src/*",
    "src/.*",
    "src/*/*.ts",
    "link/*",
    "*.ts",
    "'*'*",
    "\\**",
    "*.nomatch",
    "nomatch/*",
    "src//*",
    "sp*",
    "./*",
    "x.t?",
    "link/../*",
    "src/deep/../*",
    "*/..",
  ])("%s", (pattern) => {
    const expansion = ours(pattern);
    expect(expansion).toHaveProperty("words");
    if ("words" in expansion) expect(expansion.words).toEqual(dash(pattern));
  });

  it("matches `.` and `..` with `.*` and `.?`, like dash, and so asks: `..` is outside", () => {
    expect(dash(".*")).toEqual([".", "..", ".hid", ".hidden-dir"]);
    expect(ours(".*")).toEqual({ words: [".", "..", ".hid", ".hidden-dir"], matched: true });
    expect(dash(".?")).toEqual([".."]);
    expect(ours(".*/*")).toMatchObject({ issue: { risk: "outside-workspace" } });
  });

  it("asks instead of matching ? or [...] against a name that is not ASCII", () => {
    expect(ours("?")).toHaveProperty("words");
    writeFileSync(path.join(dir, "ü"), "");
    try {
      expect(ours("?")).toMatchObject({ issue: { risk: "shell-syntax" } });
      expect(ours("*")).toHaveProperty("words");
    } finally {
      rmSync(path.join(dir, "ü"));
    }
  });

  it("never reads a directory outside the workspace", () => {
    expect(ours("../*")).toMatchObject({ issue: { risk: "outside-workspace" } });
    expect(ours("/etc/*")).toMatchObject({ issue: { risk: "outside-workspace" } });
  });
});
