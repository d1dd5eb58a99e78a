/**
 * Servers from mcp.json that know nothing of our correlation id (here @modelcontextprotocol/server-everything):
 * each conversation gets its own connection, so questions never cross conversations, and parallel tool calls in
 * one conversation each get their own card.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverState } from "@/lib/server-state";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";

let dir: string;
beforeAll(() => {
  const everything = path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  // trigger-elicitation-request asks by itself (what these tests are about); the client-side gate, which would ask
  // first because the tool is not annotated read-only, is told to let it through (see tool-approval.test.ts).
  dir = useMcpConfig({ everything: { command: "node", args: [everything, "stdio"], allowTools: ["trigger-elicitation-request"] } });
});
afterAll(() => forgetMcpConfig(dir));

const ASK = "use `everything.trigger-elicitation-request`";

describe("servers from mcp.json", () => {
  it("keeps two conversations' questions apart and delivers each answer to its own server call", async () => {
    const [a, b] = await Promise.all([chat(ASK, { threadId: "thread-a" }), chat(ASK, { threadId: "thread-b" })]);
    const [cardA, cardB] = (await Promise.all([a.waitFor(isCard("pending")), b.waitFor(isCard("pending"))])).map(cardOf);
    expect(cardA).toMatchObject({ serverName: "everything", threadId: "thread-a" });
    expect(cardB).toMatchObject({ serverName: "everything", threadId: "thread-b" });
    expect(cardA?.id).not.toBe(cardB?.id);
    expect(Object.keys(cardA!.requestedSchema.properties)).toContain("untitledMultipleSelectEnum");

    await answer(cardB!.id, { action: "accept", content: { name: "Bea", integer: 7 } });
    await answer(cardA!.id, { action: "decline" });
    await Promise.all([a.readToEnd(), b.readToEnd()]);
    expect(b.text()).toContain("Name: Bea");
    expect(b.text()).toContain("Favorite Integer: 7");
    expect(a.text()).toContain("User declined");
    expect(a.text()).not.toContain("Bea");
    expect(a.seen.filter(isCard()).every((c) => cardOf(c).threadId === "thread-a")).toBe(true);
    expect(b.seen.filter(isCard()).every((c) => cardOf(c).threadId === "thread-b")).toBe(true);
  });

  it("reuses a conversation's connection across its turns", async () => {
    const first = await chat('use `everything.echo` {"message": "one"}', { threadId: "thread-reuse" });
    await first.readToEnd();
    const connection = serverState().mcp.connectionOf("thread-reuse");
    const second = await chat('use `everything.echo` {"message": "two"}', { threadId: "thread-reuse" });
    await second.readToEnd();
    expect(serverState().mcp.connectionOf("thread-reuse")).toBe(connection);
    expect(second.text()).toContain("two");
  });

  it("rejects content that does not fit the server's form with 422 and forwards nothing", async () => {
    const stream = await chat(ASK, { threadId: "thread-422" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    const bad = await answer(card.id, { action: "accept", content: { name: "Ada", integer: 500, email: "nope" } });
    expect(bad.status).toBe(422);
    const { error } = await bad.json();
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: "integer", message: "must be <= 100" },
        { field: "email", message: "must be a valid email" },
      ]),
    );
    expect(serverState().registry.get(card.id)?.status).toBe("pending");
    expect((await answer(card.id, { action: "cancel" })).status).toBe(200);
    await stream.readToEnd();
    expect(stream.text()).toContain("User cancelled");
  });

  it("gives parallel tool calls in one conversation a card each", async () => {
    const workspace = process.env.WORKSPACE_DIR!;
    mkdirSync(path.join(workspace, "par-a"), { recursive: true });
    mkdirSync(path.join(workspace, "par-b"), { recursive: true });
    const stream = await chat("run `rm -rf par-a` and `rm -rf par-b`", { threadId: "thread-parallel" });
    await stream.waitFor((c) => isCard("pending")(c) && cardOf(c).command === "rm -rf par-a");
    await stream.waitFor((c) => isCard("pending")(c) && cardOf(c).command === "rm -rf par-b");
    const cards = stream.seen.filter(isCard("pending")).map(cardOf);
    const byCommand = Object.fromEntries(cards.map((c) => [c.command, c.id]));
    await answer(byCommand["rm -rf par-b"]!, { action: "accept", content: {} });
    await answer(byCommand["rm -rf par-a"]!, { action: "decline" });
    await stream.readToEnd();
    expect(stream.seen.filter(isToolOutput)).toHaveLength(2);
    expect(existsSync(path.join(workspace, "par-a"))).toBe(true);
    expect(existsSync(path.join(workspace, "par-b"))).toBe(false);
  });
});
