/**
 * Hostile workspaces against the real server (createServer through connectInMemory), unsandboxed so that a
 * command the classifier wrongly let through would really do its damage: files named like options (`-delete`,
 * `-exec`, `--output=x`, `-rf`), symlinks out (`hostroot -> /`, `outside-link`, `canary-link`), a `.git`
 * directory, canaries inside and outside. Every command must be asked about (exactly one question, naming the
 * expected risk) and, declined, change nothing in the workspace or outside it.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RISK_META_KEY } from "../contract.ts";
import { allowedCases } from "../testing/policy-cases.ts";
import { createPolicyWorkspace } from "../testing/policy-fixture.ts";
import { RISK_TEXT, type Risk } from "./risks.ts";
import { connectInMemory, type Answer } from "../testing/test-client.ts";

const base = mkdtempSync(path.join(tmpdir(), "hostile-"));
const workspace = path.join(base, "workspace");
const outside = path.join(base, "outside");
const policyFile = path.join(base, "policy.json");

beforeAll(() => {
  mkdirSync(path.join(workspace, ".git"), { recursive: true });
  mkdirSync(path.join(workspace, "build"));
  // GNU find reads a leading `,` as a starting point: a repository can ship a directory of that name.
  mkdirSync(path.join(workspace, ","));
  writeFileSync(path.join(workspace, ",", "readme"), "x\n");
  mkdirSync(outside);
  writeFileSync(path.join(workspace, ".git", "HEAD"), "ref: refs/heads/main\n");
  for (const name of ["canary", "canary.txt", "notes.txt", "-delete", "-exec", "--output=x", "-rf"])
    writeFileSync(path.join(workspace, name), "alive\n");
  writeFileSync(path.join(outside, "canary"), "alive\n");
  symlinkSync("/", path.join(workspace, "hostroot"));
  symlinkSync(outside, path.join(workspace, "outside-link"));
  symlinkSync(path.join(outside, "canary"), path.join(workspace, "canary-link"));
  writeFileSync(policyFile, "{}");
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Every name under `dir` (symlinks not followed) with the content of each file. */
function snapshot(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(dir, relative))) {
      const entry = path.join(relative, name);
      const stats = lstatSync(path.join(dir, entry));
      if (stats.isDirectory()) walk(entry);
      found[entry] = stats.isFile() ? readFileSync(path.join(dir, entry), "utf8") : stats.isSymbolicLink() ? "link" : "dir";
    }
  };
  walk("");
  return found;
}

/** Commands from the issue and the other members of each class, with the risk their question must name. */
const HOSTILE: ReadonlyArray<readonly [string, Risk]> = [
  ["find -*", "code-execution"],
  ["find . -*", "code-execution"],
  ["ls *", "outside-workspace"],
  ["rm -f -- [-]*", "delete"],
  ["wc -l -- -*", "unchecked-option"],
  ["sort --o=canary.txt /dev/null", "write"],
  ["sort --o=canary /dev/null", "write"],
  ["sort --o=outside-link/canary /dev/null", "write"],
  ["sort -mo canary notes.txt", "write"],
  ["sort -T outside-link notes.txt", "write"],
  ["sort --compress-program=sh notes.txt", "code-execution"],
  ["sed '1e touch X' notes.txt", "code-execution"],
  ["sed -n '1w canary' notes.txt", "write"],
  ["sed -i s/alive/gone/ canary", "write"],
  ["sed 1p notes.txt -i", "write"],
  ["uniq notes.txt canary", "write"],
  ["tail --fo canary", "process"],
  ["tail -f canary", "process"],
  ["cat hostroot/etc/hostname", "outside-workspace"],
  ["file -f/etc/hostname", "outside-workspace"],
  ["cat .*/.*/etc/shadow", "outside-workspace"],
  ["cat .*/outside/canary", "outside-workspace"],
  ["head -c 100 canary-link", "outside-workspace"],
  ["grep -f outside-link/canary notes.txt", "outside-workspace"],
  ["grep -R alive .", "outside-workspace"],
  ["diff --to-file=outside-link/canary canary", "outside-workspace"],
  ["date -f outside-link/canary", "outside-workspace"],
  ["cat ~/.profile", "outside-workspace"],
  ["find . -fprint canary", "write"],
  ["find . -newer outside-link/canary", "outside-workspace"],
  ["git -c core.pager='touch X' log", "code-execution"],
  ["git log --output=canary", "write"],
  ["touch outside-link/new", "outside-workspace"],
  ["cp canary outside-link/copy", "outside-workspace"],
  ["mkdir -p build && rm -rf build", "delete"],
  // heredoc delimiters dash reads differently from bash: the lines after `$EOF` run as commands in dash
  ["cat <<$'EOF'\nhello\n$EOF\nsh -c 'touch PWNED; rm -f canary'", "shell-syntax"],
  ["cat <<$'EOF'\nhello\n$EOF\nsh -c 'touch PWNED'\nEOF", "shell-syntax"],
  ['cat <<$"EOF"\nhello\n$EOF\ntouch PWNED\nEOF', "shell-syntax"],
  ["cat <<E$'O'F\nhello\nE$OF\ntouch PWNED\nEOF", "shell-syntax"],
  ["cat <<$'E\\x4fF'\nhello\n$'E\\x4fF'\ntouch PWNED\nEOF", "shell-syntax"],
  ["cat <<EOF\nx\nEO\\\nF\ntouch PWNED\nEOF", "shell-syntax"],
  // words dash passes to the command that unbash took for a redirect's descriptor
  ["sed {e}>/dev/null p notes.txt", "shell-syntax"],
  ["touch 12>/dev/null", "write"],
  // find's starting points, and Object.prototype names as find primaries
  ["find , __proto__ -exec sh -c 'touch PWNED' ;", "code-execution"],
  ["find , constructor -exec touch PWNED2 +", "code-execution"],
  ["find ')' toString -delete", "delete"],
  ["find , valueOf -fprint canary", "write"],
  // whether a file outside exists must not change the verdict
  ["echo */../../../../../../../../../etc/hostname", "outside-workspace"],
  ["echo */../../../../../../../../../etc/no-such-file-here", "outside-workspace"],
];

const decline: Answer = () => ({ action: "decline" });

describe("with a client that always declines", () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    connection = await connectInMemory({ WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" }, decline);
  });
  afterAll(() => connection.close());

  it.each(HOSTILE)("%j asks and changes nothing", async (command) => {
    const before = { inside: snapshot(workspace), outside: snapshot(outside) };
    const asked = connection.asked.length;
    const output = await connection.run(command, { timeoutMs: 2_000 });
    expect(output).toMatchObject({ ran: false, approval: "declined" });
    expect(connection.asked.length).toBe(asked + 1);
    expect({ inside: snapshot(workspace), outside: snapshot(outside) }).toEqual(before);
  });
});

describe("the questions it sends", () => {
  it.each(HOSTILE)("%j is asked about as %s", async (command, risk) => {
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      decline,
    );
    await run(command, { timeoutMs: 2_000 });
    await close();
    expect(asked).toHaveLength(1);
    expect(String(asked[0]?.params._meta?.[RISK_META_KEY])).toMatch(new RegExp(`^${RISK_TEXT[risk]}: `));
  });

  it("names the delete, not the mkdir, of a compound command", async () => {
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      decline,
    );
    await run("mkdir -p build && rm -rf build");
    await close();
    expect(asked[0]?.params._meta?.[RISK_META_KEY]).toBe("deletes files: rm -rf build");
  });
});

describe("after a person remembers a prefix", () => {
  it("the remembered tool still asks before leaving the workspace or using another option", async () => {
    let answers = 0;
    // Yes to the first question, remembering its prefix; no to everything after.
    const answer: Answer = () => (answers++ === 0 ? { action: "accept", content: { remember: "prefix" } } : { action: "decline" });
    const { run, asked, listRules, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      answer,
    );
    expect(await run("rm -rf build/nothing")).toMatchObject({ ran: true, approval: "approved" });
    expect((await listRules()).map((rule) => rule.pattern)).toEqual(["rm"]);
    const before = { inside: snapshot(workspace), outside: snapshot(outside) };
    for (const command of [
      "rm -rf outside-link/canary",
      "rm canary-link/..",
      "rm -f -- [-]*",
      "rm --no-preserve-root -f canary",
      `rm -rf ${workspace}`,
    ]) {
      expect(await run(command)).toMatchObject({ ran: false, approval: "declined" });
    }
    expect(asked).toHaveLength(6);
    expect({ inside: snapshot(workspace), outside: snapshot(outside) }).toEqual(before);
    await close();
  });

  it("a tool that can run code is not offered to be remembered, so it keeps asking", async () => {
    let answers = 0;
    const answer: Answer = () => (answers++ === 0 ? { action: "accept", content: {} } : { action: "decline" });
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      answer,
    );
    expect(await run("sed -i s/alive/alive/ notes.txt")).toMatchObject({ ran: true, approval: "approved" });
    const form = asked[0]?.params.mode !== "url" ? asked[0]?.params.requestedSchema : undefined;
    expect(JSON.stringify(form?.properties.remember)).not.toContain('"prefix"');
    expect(await run("sed '1e touch X' notes.txt")).toMatchObject({ ran: false, approval: "declined" });
    expect(asked).toHaveLength(2);
    expect(snapshot(workspace)).not.toHaveProperty("X");
    await close();
  });
});

describe("with allow rules for tools the policy has no table for", () => {
  const rulesFile = path.join(base, "rules.json");
  beforeAll(() => writeFileSync(rulesFile, JSON.stringify({ allow: ["git commit", "cat"], deny: ["rm -rf"] })));

  it.each([
    ["git commit -F/etc/hostname", "outside-workspace"],
    ["git commit -t/etc/hostname", "outside-workspace"],
    ["git commit -F outside-link/canary", "outside-workspace"],
    ["git commit -qFoutside-link/canary", "unchecked-option"],
    ["cat <<$'E'\nhi\n$E\nrm -f canary", "shell-syntax"],
  ] as const)("%j asks, is declined, and changes nothing", async (command, risk) => {
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: rulesFile, SHELL_SANDBOX: "off" },
      decline,
    );
    const before = { inside: snapshot(workspace), outside: snapshot(outside) };
    const output = await run(command, { timeoutMs: 2_000 });
    await close();
    expect(output).toMatchObject({ ran: false, approval: "declined" });
    expect(asked).toHaveLength(1);
    expect(String(asked[0]?.params._meta?.[RISK_META_KEY])).toMatch(new RegExp(`^${RISK_TEXT[risk]}: `));
    expect({ inside: snapshot(workspace), outside: snapshot(outside) }).toEqual(before);
  });
});

it("a deny rule behind a heredoc dash ends early refuses without asking", async () => {
  const rulesFile = path.join(base, "deny.json");
  writeFileSync(rulesFile, JSON.stringify({ deny: ["rm -rf"] }));
  const { run, asked, close } = await connectInMemory({ WORKSPACE_DIR: workspace, SHELL_POLICY: rulesFile, SHELL_SANDBOX: "off" }, decline);
  const before = { inside: snapshot(workspace), outside: snapshot(outside) };
  expect(await run("cat <<$'E'\nhi\n$E\nrm -rf build")).toMatchObject({ ran: false, approval: "denied" });
  await close();
  expect(asked).toHaveLength(0);
  expect({ inside: snapshot(workspace), outside: snapshot(outside) }).toEqual(before);
});

describe("after a person remembers mkdir", () => {
  it("a directory named , it makes does not let find run -exec", async () => {
    let answers = 0;
    const answer: Answer = () => (answers++ === 0 ? { action: "accept", content: { remember: "prefix" } } : { action: "decline" });
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      answer,
    );
    expect(await run("mkdir -p build/made")).toMatchObject({ ran: true, approval: "approved" });
    expect(await run("mkdir -p ,")).toMatchObject({ ran: true, approval: "remembered" });
    const before = { inside: snapshot(workspace), outside: snapshot(outside) };
    for (const command of ["find , constructor -exec sh -c 'touch PWNED' ';'", "find , __proto__ -exec touch PWNED2 +"]) {
      expect(await run(command)).toMatchObject({ ran: false, approval: "declined" });
    }
    expect(asked).toHaveLength(3);
    expect({ inside: snapshot(workspace), outside: snapshot(outside) }).toEqual(before);
    await close();
  });
});

describe("what runs without asking", () => {
  // The policy's own fixture: option-named files, symlinks out, a loop. Each allowed case really runs, unsandboxed.
  const fixture = createPolicyWorkspace();
  afterAll(() => fixture.remove());

  it.each(allowedCases(fixture.workspace))("%j runs at once and changes nothing", async (command) => {
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: fixture.workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      decline,
    );
    const before = { inside: snapshot(fixture.workspace), outside: snapshot(fixture.outside) };
    const output = await run(command, { timeoutMs: 3_000 });
    await close();
    expect(output).toMatchObject({ ran: true, approval: "not_required", timedOut: false });
    expect(asked).toHaveLength(0);
    expect({ inside: snapshot(fixture.workspace), outside: snapshot(fixture.outside) }).toEqual(before);
  });
});
