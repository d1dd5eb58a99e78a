/**
 * Both protocol generations through the MCP client and the chat route: a 2026-07-28 server that answers a tool
 * call with `input_required` (retried with the answer), beside a legacy server that sends elicitation/create.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/lib/testing/chat-client";
import { mcpText } from "@/lib/mcp/tool-result";
import { forgetMcpConfig, useMcpConfig } from "@/lib/testing/mcp-connection";

let dir: string;
beforeAll(() => {
  dir = useMcpConfig({
    modern: { command: "node", args: [path.resolve("lib/testing/fixtures/input-required-server.ts")] },
    legacy: { command: "node", args: [path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js"), "stdio"] },
  });
});
afterAll(() => forgetMcpConfig(dir));

describe("protocol generations", () => {
  it("answers a 2026-07-28 input_required tool call through a card", async () => {
    const stream = await chat('use `modern.deploy` {"service": "api"}', { threadId: "thread-modern" });
    const card = cardOf(await stream.waitFor(isCard("pending"), "the input card"));
    expect(card).toMatchObject({ serverName: "modern", mode: "form", message: "Deploy api? Choose a target." });
    expect(Object.keys(card.requestedSchema.properties)).toEqual(["target", "confirm"]);

    const response = await answer(card.id, { action: "accept", content: { target: "staging", confirm: true } });
    expect(response.status).toBe(200);
    const output = await stream.waitFor(isToolOutput, "the tool result");
    expect(JSON.parse(mcpText(output.output) ?? "{}")).toEqual({ service: "api", target: "staging", deployed: true });
    await stream.readToEnd();
  });

  it("keeps a legacy elicitation/create server working beside it", async () => {
    const stream = await chat("use `legacy.trigger-elicitation-request`", { threadId: "thread-legacy" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    expect(card.serverName).toBe("legacy");
    await answer(card.id, { action: "decline" });
    await stream.readToEnd();
    expect(stream.text()).toContain("User declined");
  });
});
