import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JOURNAL_FILE, JournalNonces, MemoryNonces, prepareStateDir } from "./used-nonces.ts";

let scratch: string;
let workspace: string;
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "shell-nonces-"));
  workspace = path.join(scratch, "workspace");
  mkdirSync(workspace);
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const NONCE = "n0nce-0123456789abcdef";
const LATER = Date.now() + 60_000;

describe("used nonces", () => {
  it("in memory: each nonce is claimed once", () => {
    const nonces = new MemoryNonces();
    expect(nonces.claim(NONCE, LATER)).toBe(true);
    expect(nonces.claim(NONCE, LATER)).toBe(false);
    expect(nonces.claim(`${NONCE}x`, LATER)).toBe(true);
  });

  it("journal: a claim survives a new instance (a restart) and is shared with another one on the same dir", () => {
    const dir = prepareStateDir(path.join(scratch, "state"), workspace);
    const first = new JournalNonces(dir);
    const second = new JournalNonces(dir);
    expect(first.claim(NONCE, LATER)).toBe(true);
    expect(second.claim(NONCE, LATER)).toBe(false);
    expect(new JournalNonces(dir).claim(NONCE, LATER)).toBe(false);
    expect(readFileSync(path.join(dir, JOURNAL_FILE), "utf8")).toContain(NONCE);
  });

  it("journal: a nonce another process appended first wins over ours", () => {
    const dir = prepareStateDir(path.join(scratch, "state"), workspace);
    const nonces = new JournalNonces(dir);
    writeFileSync(path.join(dir, JOURNAL_FILE), `${NONCE} ${LATER} someone-else\n`);
    expect(nonces.claim(NONCE, LATER)).toBe(false);
  });

  it("journal: refuses a nonce that is not one of ours (it would write arbitrary text to the journal)", () => {
    const nonces = new JournalNonces(prepareStateDir(path.join(scratch, "state"), workspace));
    expect(nonces.claim("bad nonce\nforged 9999999999999 x", LATER)).toBe(false);
  });

  it("journal: prunes expired entries at start and keeps live ones", () => {
    const dir = prepareStateDir(path.join(scratch, "state"), workspace);
    writeFileSync(path.join(dir, JOURNAL_FILE), `old-nonce-0123456789 ${Date.now() - 1} a\n${NONCE} ${LATER} b\n`);
    const nonces = new JournalNonces(dir);
    const journal = readFileSync(path.join(dir, JOURNAL_FILE), "utf8");
    expect(journal).not.toContain("old-nonce");
    expect(nonces.claim(NONCE, LATER)).toBe(false);
  });

  it("journal: does not follow a symlink planted as the journal file", () => {
    const dir = prepareStateDir(path.join(scratch, "state"), workspace);
    const target = path.join(scratch, "elsewhere");
    writeFileSync(target, "");
    symlinkSync(target, path.join(dir, JOURNAL_FILE));
    expect(() => new JournalNonces(dir).claim(NONCE, LATER)).toThrow();
    expect(readFileSync(target, "utf8")).toBe("");
  });
});

describe("prepareStateDir", () => {
  it("creates the directory 0700", () => {
    const dir = prepareStateDir(path.join(scratch, "new", "state"), workspace);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  const cases: Array<[string, () => string, RegExp]> = [
    [
      "a symlink",
      () => {
        mkdirSync(path.join(scratch, "real"));
        symlinkSync(path.join(scratch, "real"), path.join(scratch, "link"));
        return "link";
      },
      /not a symlink/,
    ],
    [
      "a file",
      () => {
        writeFileSync(path.join(scratch, "file"), "");
        return "file";
      },
      /a directory/,
    ],
    ["the workspace", () => "workspace", /outside the workspace/],
    ["inside the workspace", () => "workspace/.state", /outside the workspace/],
  ];
  it.each(cases)("refuses %s", (_what, make, error) => {
    expect(() => prepareStateDir(path.join(scratch, make()), workspace)).toThrow(error);
  });

  it("refuses a path through a symlink into the workspace", () => {
    symlinkSync(workspace, path.join(scratch, "ws-link"));
    expect(() => prepareStateDir(path.join(scratch, "ws-link", "state"), workspace)).toThrow(/outside the workspace/);
  });
});
