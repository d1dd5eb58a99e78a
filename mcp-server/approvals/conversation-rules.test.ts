/**
 * Remembered approvals stay in the conversation that gave them, over one MCP session (as the chat app uses the
 * bundled server): a yes in one conversation never runs a command in another.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONVERSATION_META_KEY } from "../contract.ts";
import { ConversationRules } from "./conversation-rules.ts";
import { closeConnections, connectInMemory } from "../testing/test-client.ts";

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-conversation-rules-"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(closeConnections);

const inConversation = (id: unknown) => ({ [CONVERSATION_META_KEY]: id });

describe("remembered approvals per conversation", () => {
  it("applies a remembered command only in the conversation that remembered it", async () => {
    const { run, asked, listRules, revokeRule, close } = await connectInMemory({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off" }, () => ({
      action: "accept",
      content: { remember: "command" },
    }));
    const a = inConversation("conversation-a");
    const b = inConversation("conversation-b");
    expect(await run("mkdir -p out", { _meta: a })).toMatchObject({ approval: "approved" });
    expect(await run("mkdir -p out", { _meta: a })).toMatchObject({ approval: "remembered" });
    expect(asked).toHaveLength(1);

    // Another conversation on the same session is asked, and sees none of the first one's rules.
    expect(await run("mkdir -p out", { _meta: b })).toMatchObject({ approval: "approved" });
    expect(asked).toHaveLength(2);
    // A call naming no conversation (another MCP client on this session) is asked too.
    expect(await run("mkdir -p out")).toMatchObject({ approval: "approved" });
    expect(asked).toHaveLength(3);

    const [ruleOfA] = await listRules(a);
    expect(ruleOfA).toMatchObject({ kind: "command", pattern: "mkdir -p out" });
    // Conversation b cannot revoke a's rule, even knowing its id.
    expect((await revokeRule(ruleOfA!.id, b)).isError).toBe(true);
    expect(await listRules(a)).toHaveLength(1);
    expect((await revokeRule(ruleOfA!.id, a)).isError).toBeFalsy();
    expect(await run("mkdir -p out", { _meta: a })).toMatchObject({ approval: "approved" });
    await close();
  });

  it.each([[""], [42], [{ id: "x" }], ["x".repeat(201)]])("remembers nothing for the unusable conversation id %j", async (id) => {
    const { run, asked, close } = await connectInMemory({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off" }, () => ({
      action: "accept",
      content: { remember: "command" },
    }));
    await run("mkdir -p out", { _meta: inConversation(id) });
    await run("mkdir -p out", { _meta: inConversation(id) });
    expect(asked).toHaveLength(2);
    await close();
  });
});

describe("ConversationRules", () => {
  it("forgets the least recently used conversation beyond its cap", () => {
    const rules = new ConversationRules(2);
    rules.forCall(inConversation("a")).add("command", "touch a");
    rules.forCall(inConversation("b")).add("command", "touch b");
    rules.forCall(inConversation("a"));
    rules.forCall(inConversation("c"));
    expect(rules.forCall(inConversation("a")).list()).toHaveLength(1);
    expect(rules.forCall(inConversation("b")).list()).toEqual([]);
  });
});
