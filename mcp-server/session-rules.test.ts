import { describe, expect, it } from "vitest";
import { SessionRules } from "./session-rules.ts";

describe("SessionRules", () => {
  it.each(["bash", "sudo", "env", "xargs", "python3 -c", "curl", "npm install"])("refuses to remember the prefix %j", (prefix) => {
    const rules = new SessionRules();
    expect(rules.add("prefix", prefix)).toBeNull();
    expect(rules.list()).toEqual([]);
  });

  it("remembers plain prefixes and exact commands, once each, and revokes them", () => {
    const rules = new SessionRules();
    const prefix = rules.add("prefix", "git commit");
    expect(prefix).toMatchObject({ kind: "prefix", pattern: "git commit" });
    expect(rules.add("prefix", "git commit")).toEqual(prefix);
    const exact = rules.add("command", "bash -c 'make test'");
    expect(exact).toMatchObject({ kind: "command" });
    expect(rules.list()).toHaveLength(2);
    expect(rules.revoke(prefix!.id)).toEqual(prefix);
    expect(rules.list()).toEqual([exact]);
  });
});
