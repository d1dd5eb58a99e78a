import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyCommand } from "./classifier.ts";
import { attackCases } from "../testing/policy-attack-cases.ts";
import { ASKED_CASES, allowedCases } from "../testing/policy-cases.ts";
import { createPolicyWorkspace } from "../testing/policy-fixture.ts";
import { loadPolicyFile, parseRule, type PolicyRules, type PrefixRule } from "./prefix-rules.ts";

// Built before the tables are read, since the cases name its paths; removed when the file is done.
const fixture = createPolicyWorkspace();
afterAll(() => fixture.remove());
const workspaceDir = fixture.workspace;

describe("classifyCommand, built-in policy", () => {
  it.each(allowedCases(workspaceDir))("runs %j without asking", (command) => {
    expect(classifyCommand(command, { workspaceDir })).toEqual({ decision: "allow", by: "built-in" });
  });

  describe.each(Object.entries({ ...ASKED_CASES, ...attackCases(workspaceDir) }))("%s", (_, cases) => {
    it.each(cases)("asks before %j (%s)", (command, risk) => {
      expect(classifyCommand(command, { workspaceDir })).toMatchObject({ decision: "ask", risk });
    });
  });

  it("names the part that triggered the question", () => {
    expect(classifyCommand("ls && rm -rf build", { workspaceDir })).toMatchObject({
      reason: "deletes files: rm -rf build",
      trigger: "rm -rf build",
      prefix: "rm",
    });
  });

  it("names the most severe part of a compound command, and offers nothing to remember for it", () => {
    const verdict = classifyCommand("mkdir -p build && rm -rf build", { workspaceDir });
    expect(verdict).toMatchObject({ risk: "delete", trigger: "rm -rf build", reason: "deletes files: rm -rf build" });
    expect(verdict).not.toHaveProperty("prefix");
  });

  it("says which option an abbreviation names and where a path leads", () => {
    expect(classifyCommand("sort --o=canary.txt /dev/null", { workspaceDir })).toMatchObject({
      reason: expect.stringContaining("--o=canary.txt means --output"),
    });
    expect(classifyCommand("cat hostroot/etc/hostname", { workspaceDir })).toMatchObject({
      reason: expect.stringContaining("hostroot/etc/hostname → /etc/hostname"),
    });
    expect(classifyCommand("find -*", { workspaceDir })).toMatchObject({ reason: expect.stringContaining("find -exec") });
  });

  it("asks about every path when the workspace cannot be resolved", () => {
    const gone = { workspaceDir: path.join(fixture.outside, "no-such-workspace") };
    expect(classifyCommand("cat README.md", gone)).toMatchObject({ decision: "ask", risk: "outside-workspace" });
    expect(classifyCommand("echo *", gone)).toMatchObject({ decision: "ask", risk: "outside-workspace" });
    expect(classifyCommand("echo hello", gone)).toMatchObject({ decision: "allow" });
  });

  it("asks for a very long input instead of failing", () => {
    expect(classifyCommand(`ls ${"a".repeat(50_000)} && rm x`, { workspaceDir })).toMatchObject({ decision: "ask", risk: "delete" });
  });

  it("asks for deeply nested input instead of failing", () => {
    const nested = `${"$(".repeat(2_000)}ls${")".repeat(2_000)}`;
    expect(classifyCommand(nested, { workspaceDir }).decision).toBe("ask");
  });

  it("runs a very long plain pipeline", () => {
    expect(classifyCommand(Array(500).fill("ls").join(" | "), { workspaceDir })).toMatchObject({ decision: "allow" });
  });

  it("asks when a pattern would expand to more names than it will read", () => {
    const many = path.join(workspaceDir, "many");
    mkdirSync(many);
    for (let i = 0; i < 2_100; i++) writeFileSync(path.join(many, `f${i}`), "");
    try {
      expect(classifyCommand("echo many/*", { workspaceDir })).toMatchObject({ decision: "ask", risk: "shell-syntax" });
      expect(classifyCommand("echo many/f1?", { workspaceDir })).toMatchObject({ decision: "allow" });
    } finally {
      rmSync(many, { recursive: true });
    }
  });
});

describe("classifyCommand reads the workspace afresh on every call", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "policy-fresh-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("asks once a file named like an option appears", () => {
    writeFileSync(path.join(dir, "a.txt"), "");
    expect(classifyCommand("ls *", { workspaceDir: dir })).toMatchObject({ decision: "allow" });
    writeFileSync(path.join(dir, "-la"), "");
    expect(classifyCommand("ls *", { workspaceDir: dir })).toMatchObject({ decision: "ask", risk: "unchecked-option" });
  });

  it("asks once a file is swapped for a symlink out", () => {
    writeFileSync(path.join(dir, "data"), "");
    expect(classifyCommand("cat data", { workspaceDir: dir })).toMatchObject({ decision: "allow" });
    rmSync(path.join(dir, "data"));
    symlinkSync("/etc/hostname", path.join(dir, "data"));
    expect(classifyCommand("cat data", { workspaceDir: dir })).toMatchObject({ decision: "ask", risk: "outside-workspace" });
  });
});

const rule = (text: string): PrefixRule => {
  const parsed = parseRule(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.rule;
};
const rules: PolicyRules = {
  allow: ["npm test", "git push", "touch", "rm build", "sed", "sort"].map(rule),
  ask: ["git status", "cat secrets.txt"].map(rule),
  deny: ["git push --force", "rm -rf /", "shutdown", "curl"].map(rule),
  network: false,
};

const withRules: Array<[string, "allow" | "ask" | "deny", string]> = [
  ["npm test", "allow", "policy"],
  ["npm test -- --watch", "allow", "policy"],
  ["npm install", "ask", "install"],
  ["ls && npm test", "allow", "policy"],
  ["git push origin main", "allow", "policy"],
  ["git push --force", "deny", "git push --force"],
  ["ls; git push --force", "deny", "git push --force"],
  ["echo $(git push --force)", "deny", "git push --force"],
  ["(git push --force)", "deny", "git push --force"],
  ["for x in 1; do shutdown now; done", "deny", "shutdown"],
  ["/usr/bin/curl x", "deny", "curl"],
  ["\\curl x", "deny", "curl"],
  ["cat <<EOF\n$(curl x)\nEOF", "deny", "curl"],
  ["rm -rf /", "deny", "rm -rf /"],
  ["rm -rf /tmp", "ask", "delete"],
  ["rm build", "allow", "policy"],
  ["rm build other", "allow", "policy"],
  ["rm buildings", "ask", "delete"],
  ["git status", "ask", "policy"],
  ["cat secrets.txt", "ask", "policy"],
  ["cat notes.txt", "allow", "built-in"],
  // allow rules lift the tool's own risk only: its options, paths and syntax are checked all the same
  ["touch made", "allow", "policy"],
  ["touch /tmp/made", "ask", "outside-workspace"],
  ["touch hostroot/tmp/made", "ask", "outside-workspace"],
  ["touch dangling-out", "ask", "outside-workspace"],
  ["sed '1e touch X'", "ask", "code-execution"],
  ["sed -i s/a/b/ notes.txt", "ask", "write"],
  ["sort -o out.txt names.txt", "ask", "write"],
  ["sort --compress-program=sh names.txt", "ask", "code-execution"],
  ["npm test -- /etc/passwd", "ask", "outside-workspace"],
  ["npm test --config=/etc/x", "ask", "outside-workspace"],
  ["touch $(rm x)", "ask", "shell-syntax"],
  ["touch $FILE", "ask", "shell-syntax"],
  ["touch x > out.txt", "ask", "write"],
  ["npm test > out.txt", "ask", "write"],
  ["X=1 npm test", "ask", "shell-syntax"],
  ["(npm test)", "ask", "shell-syntax"],
  ["npm test &", "ask", "shell-syntax"],
  ["npm test | sh", "ask", "code-execution"],
  ["npm test; rm x", "ask", "delete"],
  ["npm test *", "ask", "outside-workspace"],
];

describe("classifyCommand with a policy file", () => {
  it.each(withRules)("%j → %s (%s)", (command, decision, detail) => {
    const verdict = classifyCommand(command, { workspaceDir, rules });
    expect(verdict.decision).toBe(decision);
    if (verdict.decision === "allow") expect(verdict.by).toBe(detail);
    if (verdict.decision === "ask") expect(verdict.risk).toBe(detail);
    if (verdict.decision === "deny") expect(verdict.rule).toBe(detail);
  });

  it("remembered exact commands allow that text only, and never override deny", () => {
    const remembered = { workspaceDir, rules, rememberedCommands: new Set(["echo $HOME > out.txt", "curl x"]) };
    expect(classifyCommand("echo $HOME > out.txt", remembered)).toEqual({ decision: "allow", by: "remembered" });
    expect(classifyCommand("echo $HOME > out2.txt", remembered)).toMatchObject({ decision: "ask" });
    expect(classifyCommand("curl x", remembered)).toMatchObject({ decision: "deny" });
  });
});

// An allow rule for a tool the policy has no table for: an option word with text attached may be `-F/etc/shadow`.
const untabled: PolicyRules = {
  allow: ["git commit", "npm test", "make"].map(rule),
  ask: [],
  deny: ["rm -rf", "git push"].map(rule),
  network: false,
};

describe("allow rules for tools without an option table", () => {
  it.each([
    ["git commit -F /etc/shadow", "outside-workspace"],
    ["git commit -F/etc/shadow", "outside-workspace"],
    ["git commit --file=/etc/shadow", "outside-workspace"],
    ["git commit -t/etc/shadow", "outside-workspace"],
    ["git commit -qF/etc/shadow", "unchecked-option"],
    ["git commit -F~/x", "outside-workspace"],
    ["git commit -F../x", "outside-workspace"],
    ["git commit -Fhostroot/etc/shadow", "outside-workspace"],
    ["git commit -am wip", "unchecked-option"],
    ["npm test -C/etc", "outside-workspace"],
    ["npm test -- -C/etc", "outside-workspace"],
    ["npm test -- /etc/passwd", "outside-workspace"],
    ["npm test --prefix=/etc", "outside-workspace"],
    ["make -C/etc", "outside-workspace"],
    ["make -f/etc/passwd", "outside-workspace"],
    ["make -j4", "unchecked-option"],
  ] as const)("%j asks (%s)", (command, risk) => {
    expect(classifyCommand(command, { workspaceDir, rules: untabled })).toMatchObject({ decision: "ask", risk });
  });

  it.each([
    "git commit -m wip",
    "git commit -a -m wip",
    "git commit --amend --no-edit",
    "npm test -- --watch",
    "make -j 4 all",
    "npm test -- src/a.test.ts",
  ])("%j runs", (command) => {
    expect(classifyCommand(command, { workspaceDir, rules: untabled })).toEqual({ decision: "allow", by: "policy" });
  });

  it.each([
    ["cat <<$'E'\nhi\n$E\nrm -rf build", "rm -rf"],
    ["cat <<$'E'\nhi\n$E\ngit push --force", "git push"],
    ['cat <<$"E"\nhi\n$E\ngit push', "git push"],
    ["cat <<E$'O'F\nhi\nE$OF\nls; rm -rf build\nEOF", "rm -rf"],
    ["cat <<EOF\nx\nEO\\\nF\necho $(git push)\nEOF", "git push"],
  ] as const)("a deny rule hidden behind a heredoc dash ends early still refuses %j", (command, denied) => {
    expect(classifyCommand(command, { workspaceDir, rules: untabled })).toMatchObject({ decision: "deny", rule: denied });
  });

  it("a heredoc dash ends early with no denied command after it asks", () => {
    expect(classifyCommand("cat <<$'E'\nhi\n$E\nmake", { workspaceDir, rules: untabled })).toMatchObject({
      decision: "ask",
      risk: "shell-syntax",
    });
  });
});

describe("remembered prefixes", () => {
  const remembering = (...prefixes: string[]) => ({ workspaceDir, rules, rememberedPrefixes: prefixes.map(rule) });

  it.each([
    ["rm -rf build", "rm"],
    ["rm -r -- docs/guide.md", "rm"],
    ["mkdir -p out/deeper", "mkdir"],
    ["touch made", "touch"],
    ["cp -r src out", "cp"],
    ["mv a.ts c.ts", "mv"],
    ["rmdir build", "rmdir"],
  ])("%j runs once %j is remembered", (command, prefix) => {
    expect(classifyCommand(command, remembering(prefix))).toMatchObject({ decision: "allow" });
  });

  it.each([
    ["rm -rf /home/someone", "rm", "outside-workspace"],
    ["rm -rf ../other", "rm", "outside-workspace"],
    ["rm -rf hostroot/tmp/x", "rm", "outside-workspace"],
    ["rm -rf .", "rm", "outside-workspace"],
    [`rm -rf ${workspaceDir}`, "rm", "outside-workspace"],
    ["rm -rf -- *", "rm", "outside-workspace"],
    ["rm -f [-]*", "rm", "unchecked-option"],
    ["rm --no-preserve-root -rf build", "rm", "unchecked-option"],
    ["rmdir -p build", "rmdir", "unchecked-option"],
    ["mkdir ../x", "mkdir", "outside-workspace"],
    ["mkdir outside-link/x", "mkdir", "outside-workspace"],
    ["cp -L -r src out", "cp", "outside-workspace"],
    ["cp a.ts /tmp/x", "cp", "outside-workspace"],
    ["cp -t /tmp a.ts", "cp", "outside-workspace"],
    ["cp --target-directory=outside-link a.ts", "cp", "outside-workspace"],
    ["cp a.ts dangling-out", "cp", "outside-workspace"],
    ["cp -s a.ts link", "cp", "unchecked-option"],
    ["mv outside-link/canary here", "mv", "outside-workspace"],
    ["mkdir $(id)", "mkdir", "shell-syntax"],
    ["mkdir x > out.txt", "mkdir", "write"],
    // a prefix for a tool off the allow-list counts for nothing, however it got into the session
    ["sed '1e touch X'", "sed", "code-execution"],
    ["sed -n 1p notes.txt -i", "sed", "write"],
    ["sort -o x names.txt", "sort", "write"],
    ["find . -delete", "find", "delete"],
    ["git commit -m x", "git commit", "write"],
    ["bash -c id", "bash", "code-execution"],
  ])("%j still asks with %j remembered (%s)", (command, prefix, risk) => {
    expect(classifyCommand(command, remembering(prefix))).toMatchObject({ decision: "ask", risk });
  });

  it("never override deny", () => {
    expect(classifyCommand("rm -rf /", remembering("rm"))).toMatchObject({ decision: "deny" });
  });

  it.each([
    ["rm -rf build", "rm"],
    ["rmdir build", "rmdir"],
    ["mkdir -p out", "mkdir"],
    ["touch x", "touch"],
    ["mv a b", "mv"],
    ["cp a b", "cp"],
  ])("offers %j to be remembered as %j", (command, prefix) => {
    expect(classifyCommand(command, { workspaceDir })).toMatchObject({ decision: "ask", prefix });
  });

  it.each([
    "bash -c 'git push'",
    "sudo rm -rf build",
    "env rm x",
    "python3 -c 'print(1)'",
    "curl https://example.com",
    "npm install left-pad",
    "frobnicate",
    "git commit -m wip",
    "sed -i s/a/b/ notes.txt",
    "sort -o out names.txt",
    "find . -delete",
    "tar -xf x.tar",
    "rsync -a src dst",
    "cat ~/.ssh/id_rsa",
    "echo $(id)",
    "rm -rf /tmp/x",
    "rm --no-preserve-root build",
    "mkdir -p build && rm -rf build",
    "rm x; rm y",
  ])("offers no prefix to remember for %j", (command) => {
    const verdict = classifyCommand(command, { workspaceDir });
    expect(verdict.decision).toBe("ask");
    expect(verdict).not.toHaveProperty("prefix");
  });
});

describe("policy file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "shell-policy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("loads allow, ask, deny and network", () => {
    const file = write("ok.json", JSON.stringify({ allow: ["npm test"], ask: ["git status"], deny: ["git push --force"], network: true }));
    const load = loadPolicyFile(file, true);
    expect(load.problems).toEqual([]);
    expect(load.rules.allow.map((r) => r.text)).toEqual(["npm test"]);
    expect(load.rules.deny[0]?.words).toEqual(["git", "push", "--force"]);
    expect(load.rules.network).toBe(true);
  });

  it.each([
    ["bad rule", { deny: ["rm -rf /", "git push; rm"] }, 'deny[1] "git push; rm" "push;" is not a plain word'],
    ["path name", { allow: ["/bin/rm"] }, "must be a bare command name"],
    ["not a string", { ask: [42] }, "ask[0] must be a string"],
    ["not an array", { allow: "npm test" }, '"allow" must be an array'],
    ["unknown key", { alow: ["x"] }, 'unknown key "alow"'],
    ["empty rule", { deny: ["  "] }, 'deny[0] "  " is empty'],
    ["bad network", { network: "yes" }, '"network" must be true or false'],
  ])("falls back to the built-in policy on a %s, saying which rule and why", (name, data, problem) => {
    const load = loadPolicyFile(write(`${name}.json`, JSON.stringify(data)), true);
    expect(load.problems.join("\n")).toContain(problem);
    expect(load.rules).toEqual({ allow: [], ask: [], deny: [], network: false });
  });

  it("reports invalid JSON and a missing explicit file, but not a missing default file", () => {
    expect(loadPolicyFile(write("broken.json", "{ allow: "), true).problems[0]).toContain("not valid JSON");
    expect(loadPolicyFile(path.join(dir, "absent.json"), true).problems[0]).toContain("cannot be read");
    expect(loadPolicyFile(path.join(dir, "absent.json"), false).problems).toEqual([]);
  });
});
