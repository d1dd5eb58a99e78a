import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyCommand, suggestedPrefix, type ClassifyContext } from "./policy.ts";
import { ALLOWED_CASES, ASKED_CASES, WORKSPACE } from "./policy-cases.ts";
import { loadPolicyFile, parseRule, type PolicyRules, type PrefixRule } from "./policy-rules.ts";


const context: ClassifyContext = { workspaceDir: WORKSPACE };

describe("classifyCommand, built-in policy", () => {
  it.each(ALLOWED_CASES)("runs %j without asking", (command) => {
    expect(classifyCommand(command, context)).toEqual({ decision: "allow", by: "built-in" });
  });

  it.each(ASKED_CASES)("asks before %j (%s)", (command, risk) => {
    expect(classifyCommand(command, context)).toMatchObject({ decision: "ask", risk });
  });

  it("names the part that triggered the question", () => {
    expect(classifyCommand("ls && rm -rf build")).toMatchObject({
      reason: "deletes files: rm -rf build",
      trigger: "rm -rf build",
      prefix: "rm",
    });
  });

  it("does not check paths when it does not know the workspace", () => {
    expect(classifyCommand("cat /etc/hostname")).toMatchObject({ decision: "allow" });
  });

  it("asks for a very long input instead of failing", () => {
    expect(classifyCommand(`ls ${"a".repeat(50_000)} && rm x`)).toMatchObject({ decision: "ask", risk: "delete" });
  });

  it("asks for deeply nested input instead of failing", () => {
    const nested = `${"$(".repeat(2_000)}ls${")".repeat(2_000)}`;
    expect(classifyCommand(nested).decision).toBe("ask");
  });

  it("runs a very long plain pipeline", () => {
    expect(classifyCommand(Array(500).fill("ls").join(" | "))).toMatchObject({ decision: "allow" });
  });

  it.each([
    [["git", "push", "origin"], "git push"],
    [["npm", "test"], "npm test"],
    [["rm", "-rf", "build"], "rm"],
    [["git", "-C", "x"], "git"],
  ])("suggests the prefix of %j as %j", (words, prefix) => {
    expect(suggestedPrefix(words)).toBe(prefix);
  });
});

const rule = (text: string): PrefixRule => {
  const parsed = parseRule(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.rule;
};
const rules: PolicyRules = {
  allow: ["npm test", "git push", "touch", "rm build"].map(rule),
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
  ["git push --force origin", "deny", "git push --force"],
  ["ls; git push --force", "deny", "git push --force"],
  ["echo $(git push --force)", "deny", "git push --force"],
  ["echo `git push --force`", "deny", "git push --force"],
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
  // allow rules never cover what the classifier cannot see through
  ["touch $(rm x)", "ask", "shell-syntax"],
  ["touch $FILE", "ask", "shell-syntax"],
  ["touch x > out.txt", "ask", "write"],
  ["npm test > out.txt", "ask", "write"],
  ["X=1 npm test", "ask", "shell-syntax"],
  ["(npm test)", "ask", "shell-syntax"],
  ["npm test &", "ask", "shell-syntax"],
  ["npm test | sh", "ask", "code-execution"],
  ["npm test; rm x", "ask", "delete"],
];

describe("classifyCommand with a policy file", () => {
  it.each(withRules)("%j → %s (%s)", (command, decision, detail) => {
    const verdict = classifyCommand(command, { workspaceDir: WORKSPACE, rules });
    expect(verdict.decision).toBe(decision);
    if (verdict.decision === "allow") expect(verdict.by).toBe(detail);
    if (verdict.decision === "ask") expect(verdict.risk).toBe(detail);
    if (verdict.decision === "deny") expect(verdict.rule).toBe(detail);
  });

  it("remembered prefixes allow like rules but never override deny", () => {
    const remembered = { workspaceDir: WORKSPACE, rules, rememberedPrefixes: [rule("git push"), rule("mkdir")] };
    expect(classifyCommand("mkdir -p out", remembered)).toEqual({ decision: "allow", by: "remembered" });
    expect(classifyCommand("git push --force", remembered)).toMatchObject({ decision: "deny" });
    expect(classifyCommand("mkdir $(id)", remembered)).toMatchObject({ decision: "ask", risk: "shell-syntax" });
  });

  it("remembered prefixes and allow rules stay inside the workspace", () => {
    const remembered = { workspaceDir: WORKSPACE, rules, rememberedPrefixes: [rule("rm")] };
    expect(classifyCommand("rm -rf build", remembered)).toEqual({ decision: "allow", by: "remembered" });
    expect(classifyCommand("rm -rf /home/someone", remembered)).toMatchObject({ decision: "ask", risk: "outside-workspace" });
    expect(classifyCommand("rm -rf ../other", remembered)).toMatchObject({ decision: "ask", risk: "outside-workspace" });
  });

  it.each([
    ["bash -c 'git push'", "code-execution"],
    ["sudo rm -rf build", "privilege"],
    ["env rm x", "code-execution"],
    ["python3 -c 'print(1)'", "code-execution"],
    ["curl https://example.com", "network"],
    ["npm install left-pad", "install"],
    ["cat ~/.ssh/id_rsa", "outside-workspace"],
    ["echo $(id)", "shell-syntax"],
  ])("offers no prefix to remember for %j (%s)", (command, risk) => {
    const verdict = classifyCommand(command, { workspaceDir: WORKSPACE });
    expect(verdict).toMatchObject({ decision: "ask", risk });
    expect(verdict).not.toHaveProperty("prefix");
  });

  it("offers a prefix for plain writes and deletes", () => {
    expect(classifyCommand("rm -rf build", { workspaceDir: WORKSPACE })).toMatchObject({ prefix: "rm" });
    expect(classifyCommand("git commit -m wip", { workspaceDir: WORKSPACE })).toMatchObject({ prefix: "git commit" });
  });

  it("remembered exact commands allow that text only, and never override deny", () => {
    const remembered = { rules, rememberedCommands: new Set(["echo $HOME > out.txt", "curl x"]) };
    expect(classifyCommand("echo $HOME > out.txt", remembered)).toEqual({ decision: "allow", by: "remembered" });
    expect(classifyCommand("echo $HOME > out2.txt", remembered)).toMatchObject({ decision: "ask" });
    expect(classifyCommand("curl x", remembered)).toMatchObject({ decision: "deny" });
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
    ["empty rule", { deny: ["  "] }, "deny[0] \"  \" is empty"],
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
