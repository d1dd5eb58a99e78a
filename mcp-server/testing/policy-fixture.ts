/**
 * A real workspace for the classifier's tests and benchmark, since the classifier resolves paths and expands
 * patterns against the file system: ordinary project files, plus what a hostile repository could contain (file
 * names that read as options, symlinks out of the workspace, a dangling one, a loop) and a directory outside it
 * with a canary file.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface PolicyFixture {
  workspace: string;
  /** A directory outside the workspace holding `canary`. */
  outside: string;
  remove(): void;
}

export const ORDINARY_FILES = [
  "README.md",
  "notes.txt",
  "names.txt",
  "file.txt",
  "in.txt",
  "log",
  "a.ts",
  "b.ts",
  "src/index.ts",
  "src/util.ts",
  "docs/guide.md",
];
/** Files an attacker names so that a pattern turns them into options. */
export const OPTION_NAMED_FILES = ["-delete", "-exec", "--output=x", "-rf"];

export function createPolicyWorkspace(): PolicyFixture {
  const base = mkdtempSync(path.join(tmpdir(), "policy-fixture-"));
  const workspace = path.join(base, "workspace");
  const outside = path.join(base, "outside");
  mkdirSync(outside);
  writeFileSync(path.join(outside, "canary"), "alive\n");
  for (const dir of ["src", "docs", "build", ".git"]) mkdirSync(path.join(workspace, dir), { recursive: true });
  for (const file of [...ORDINARY_FILES, ...OPTION_NAMED_FILES]) writeFileSync(path.join(workspace, file), "text\n");
  const links: Array<[string, string]> = [
    ["hostroot", "/"],
    ["outside-link", outside],
    ["canary-link", path.join(outside, "canary")],
    ["dangling-out", path.join(outside, "not-yet")],
    ["inner-link", "src"],
    ["loop", "loop"],
  ];
  for (const [name, target] of links) symlinkSync(target, path.join(workspace, name));
  return { workspace, outside, remove: () => rmSync(base, { recursive: true, force: true }) };
}
