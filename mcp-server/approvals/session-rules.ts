/**
 * The approvals a person chose to remember, kept per MCP session (one per server instance, so per connection):
 * nothing is written to disk and a new session starts with none. They only ever widen what runs without asking;
 * the policy file's deny rules are checked before them (see classifyCommand).
 */
import { randomUUID } from "node:crypto";
import type { RememberedRule } from "../contract.ts";
import type { ClassifyContext } from "../policy/classifier.ts";
import { parseRule, type PrefixRule } from "../policy/prefix-rules.ts";
import { rememberablePrefix } from "../policy/commands/read-only-commands.ts";

export class SessionRules {
  private readonly rules: RememberedRule[] = [];

  list(): RememberedRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /**
   * Remembers a rule; returns it, or the equal one already remembered, or null when the prefix is not a plain rule
   * for a tool on the remember allow-list. The classifier only ever offers those; refusing here too means no other
   * caller can remember `bash`, `sed` or `git` (whose options run code) into approving anything they can do.
   */
  add(kind: RememberedRule["kind"], pattern: string): RememberedRule | null {
    if (kind === "prefix" && ("error" in parseRule(pattern) || !rememberablePrefix(pattern.trim()))) return null;
    const existing = this.rules.find((rule) => rule.kind === kind && rule.pattern === pattern);
    if (existing) return existing;
    const rule: RememberedRule = { id: randomUUID().slice(0, 8), kind, pattern, createdAt: new Date().toISOString() };
    this.rules.push(rule);
    return rule;
  }

  revoke(id: string): RememberedRule | undefined {
    const index = this.rules.findIndex((rule) => rule.id === id);
    return index === -1 ? undefined : this.rules.splice(index, 1)[0];
  }

  /** The remembered rules in the form the classifier takes. */
  classifyContext(): Pick<ClassifyContext, "rememberedCommands" | "rememberedPrefixes"> {
    const prefixes: PrefixRule[] = [];
    for (const rule of this.rules) {
      const parsed = rule.kind === "prefix" ? parseRule(rule.pattern) : null;
      if (parsed && "rule" in parsed) prefixes.push(parsed.rule);
    }
    const commands = new Set(this.rules.filter((rule) => rule.kind === "command").map((rule) => rule.pattern));
    return { rememberedCommands: commands, rememberedPrefixes: prefixes };
  }
}
