import { describe, expect, it } from "vitest";
import { SessionRules } from "./session-rules.ts";

describe("SessionRules", () => {
  it.each([
    "bash",
    "sudo",
    "env",
    "xargs",
    "python3 -c",
    "curl",
    "npm install",
    // tools whose options or scripts run code or write: never remembered, whatever offered them
    "sed",
    "sed -n",
    "sort",
    "find",
    "git",
    "git commit",
    "tar",
    "awk",
    "rsync",
    "frobnicate",
    "rm; bash",
  ])("refuses to remember the prefix %j", (prefix) => {
    const rules = new SessionRules();
    expect(rules.add("prefix", prefix)).toBeNull();
    expect(rules.list()).toEqual([]);
  });

  it.each(["rm", "rm build", "rmdir", "mkdir", "mkdir -p", "touch", "mv", "cp"])("remembers the prefix %j", (prefix) => {
    const rules = new SessionRules();
    expect(rules.add("prefix", prefix)).toMatchObject({ kind: "prefix", pattern: prefix });
    expect(rules.classifyContext().rememberedPrefixes?.map((rule) => rule.text)).toEqual([prefix]);
  });

  it("remembers plain prefixes and exact commands, once each, and revokes them", () => {
    const rules = new SessionRules();
    const prefix = rules.add("prefix", "mkdir");
    expect(prefix).toMatchObject({ kind: "prefix", pattern: "mkdir" });
    expect(rules.add("prefix", "mkdir")).toEqual(prefix);
    const exact = rules.add("command", "bash -c 'make test'");
    expect(exact).toMatchObject({ kind: "command" });
    expect(rules.list()).toHaveLength(2);
    expect(rules.revoke(prefix!.id)).toEqual(prefix);
    expect(rules.list()).toEqual([exact]);
  });
});
