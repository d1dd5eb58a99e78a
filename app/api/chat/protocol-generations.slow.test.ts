/**
 * Both protocol generations through the MCP client and the chat route: a 2026-07-28 server that answers a tool
 * call with `input_required` (retried with the answer), over stdio and over Streamable HTTP, beside a legacy server
 * that sends elicitation/create; and mcp.json's `protocol` choice deciding what is spoken to the HTTP one.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { mcpText } from "@/lib/mcp/tool-result";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";
import { startModernHttpServer, type RunningFixtureServer } from "@/testing/fixtures/modern-http-server";
import { isNotice, noticeOf } from "@/testing/server-notices";

let dir: string;
let http: RunningFixtureServer;
// These tests are about the server's own questions: the client-side approval gate is told to let the tools through.
const deploy = { allowTools: ["deploy"] };
beforeAll(async () => {
  http = await startModernHttpServer();
  dir = useMcpConfig({
    modern: { command: "node", args: [path.resolve("testing/fixtures/input-required-server.ts")], ...deploy },
    legacy: {
      command: "node",
      args: [path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js"), "stdio"],
      allowTools: ["trigger-elicitation-request"],
    },
    "modern-http": { url: http.url, protocol: "auto", ...deploy },
    "pinned-http": { url: http.url, protocol: "2026-07-28", ...deploy },
    "legacy-http": { url: http.url, protocol: "legacy", ...deploy },
    // No allowTools: the approval gate asks first, and the person may edit the arguments there.
    "gated-http": { url: http.url, protocol: "2026-07-28" },
  });
});
afterAll(async () => {
  await forgetMcpConfig(dir);
  await http.close();
});

const deployed = (output: { output?: unknown }) => JSON.parse(mcpText(output.output) ?? "{}");

describe("protocol generations", () => {
  it("answers a 2026-07-28 input_required tool call through a card", async () => {
    const stream = await chat('use `modern.deploy` {"service": "api"}', { threadId: "thread-modern" });
    const card = cardOf(await stream.waitFor(isCard("pending"), "the input card"));
    expect(card).toMatchObject({ serverName: "modern", mode: "form", message: "Deploy api? Choose a target." });
    expect(Object.keys(card.requestedSchema.properties)).toEqual(["target", "confirm"]);

    const response = await answer(card.id, { action: "accept", content: { target: "staging", confirm: true } });
    expect(response.status).toBe(200);
    const output = await stream.waitFor(isToolOutput, "the tool result");
    expect(deployed(output)).toEqual({ service: "api", target: "staging", deployed: true });
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

describe("a 2026-07-28 server over Streamable HTTP", () => {
  it.each(["modern-http", "pinned-http"])("%s: accept completes the retried call with the answer", async (server) => {
    const stream = await chat(`use \`${server}.deploy\` {"service": "web"}`, { threadId: `thread-${server}-accept` });
    const card = cardOf(await stream.waitFor(isCard("pending"), "the input card"));
    expect(card).toMatchObject({ serverName: server, mode: "form", message: "Deploy web? Choose a target." });
    expect((await answer(card.id, { action: "accept", content: { target: "production", confirm: true } })).status).toBe(200);
    const output = await stream.waitFor(isToolOutput, "the tool result");
    expect(output.type).toBe("tool-output-available");
    expect(deployed(output)).toEqual({ service: "web", target: "production", deployed: true });
    expect(http.deployments.at(-1)).toEqual({ service: "web", target: "production", deployed: true });
    await stream.readToEnd();
    expect(
      stream.seen
        .filter(isCard("accepted"))
        .map(cardOf)
        .map((c) => c.id),
    ).toEqual([card.id]);
  });

  it("decline is not retried into the tool: the call fails as declined, nothing deployed", async () => {
    const stream = await chat('use `modern-http.deploy` {"service": "db"}', { threadId: "thread-modern-http-decline" });
    const card = cardOf(await stream.waitFor(isCard("pending"), "the input card"));
    await answer(card.id, { action: "decline" });
    await stream.readToEnd();
    const outputs = stream.seen.filter(isToolOutput);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ type: "tool-output-error", errorText: expect.stringContaining("declined") });
    expect(JSON.stringify(outputs[0])).not.toContain("deployed");
    expect(http.deployments.filter((d) => d.service === "db")).toEqual([]);
  });

  it('"legacy" speaks the 2025 handshake, which this server refuses: the chat names it and goes on', async () => {
    const stream = await chat('use `modern-http.deploy` {"service": "x"}', { threadId: "thread-legacy-http" });
    const notice = noticeOf(await stream.waitFor(isNotice("legacy-http"), "the notice"));
    expect(notice).toMatchObject({ kind: "unavailable", serverName: "legacy-http" });
    expect(notice.reason).toMatch(/Unsupported protocol version: 2025-11-25/);
    expect(stream.seen.filter(isNotice())).toHaveLength(1);
    const card = cardOf(await stream.waitFor(isCard("pending")));
    await answer(card.id, { action: "cancel" });
    await stream.readToEnd();
  });
});

describe("a durable question behind the approval gate", () => {
  it("retries with the arguments the person approved at the gate, not the ones the model proposed", async () => {
    const stream = await chat('use `gated-http.deploy` {"service": "db"}', { threadId: "thread-gated-edit" });
    const gate = cardOf(await stream.waitFor((c) => isCard("pending")(c) && cardOf(c).kind === "tool-call", "the gate card"));
    expect(gate.toolCall?.arguments).toEqual({ service: "db" });
    expect((await answer(gate.id, { action: "accept", arguments: { service: "cache" } })).status).toBe(200);
    const question = cardOf(await stream.waitFor((c) => isCard("pending")(c) && cardOf(c).kind === "question", "the server's question"));
    expect(question.durable).toBe(true);
    expect((await answer(question.id, { action: "accept", content: { target: "staging", confirm: true } })).status).toBe(200);
    const output = await stream.waitFor(isToolOutput, "the tool result");
    expect(deployed(output)).toEqual({ service: "cache", target: "staging", deployed: true });
    await stream.readToEnd();
    expect(http.deployments.filter((d) => d.service === "db")).toEqual([]);
  });
});
