/**
 * What a cancelled card says about why: an MCP server that crashed while its question waited is not "the chat
 * request was closed".
 */
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cardOf, chat, isCard } from "@/testing/chat-client";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";

let dir: string;
beforeAll(() => {
  const crashing = { command: "node", args: [path.resolve("testing/fixtures/crashing-server.ts")], allowTools: ["ask_then_crash"] };
  dir = useMcpConfig({ crashing });
});
afterAll(() => forgetMcpConfig(dir));

it("says the MCP server closed the connection when it crashed with a question pending", async () => {
  const stream = await chat("use `crashing.ask_then_crash`", { threadId: "crash-note" });
  const pending = cardOf(await stream.waitFor(isCard("pending")));
  const cancelled = cardOf(await stream.waitFor((c) => isCard("cancelled")(c) && cardOf(c).id === pending.id));
  expect(cancelled.note).toBe("the MCP server closed the connection (it stopped or crashed)");
  await stream.readToEnd();
});
