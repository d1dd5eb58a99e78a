/**
 * The client-side approval gate over the chat route, against a third-party MCP server that never asks by itself
 * (testing/fixtures/gate-fixture-server.ts) and records every call it receives: what the gate lets through, what
 * it asks about, and that a call nobody said yes to never reaches the server.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONVERSATION_META_KEY, CORRELATION_META_KEY } from "@/mcp-server/contract";
import { mcpText } from "@/lib/mcp/tool-result";
import { serverState } from "@/lib/server-state";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { gateFixtureEntry, recordedCalls } from "@/testing/fixtures/gate-fixture";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";

let dir: string;
const calls = { db: "", ops: "", strict: "", trusted: "" };
beforeAll(() => {
  const files = mkdtempSync(path.join(tmpdir(), "gate-calls-"));
  for (const name of Object.keys(calls) as Array<keyof typeof calls>) calls[name] = path.join(files, `${name}.jsonl`);
  process.env.ELICITATION_TIMEOUT_MS = "20000";
  dir = useMcpConfig({
    db: gateFixtureEntry(calls.db),
    ops: gateFixtureEntry(calls.ops, { allowTools: ["drop_database"], denyTools: ["vacuum"] }),
    strict: gateFixtureEntry(calls.strict, { approve: "always" }),
    trusted: gateFixtureEntry(calls.trusted, { approve: "never" }),
  });
});
afterAll(() => forgetMcpConfig(dir));

const outputText = (chunk: { output?: unknown }) => mcpText(chunk.output) ?? JSON.stringify(chunk.output);

describe("the approval gate for servers from mcp.json", () => {
  it("runs a tool annotated read-only at once, and sends a third-party server none of the app's ids", async () => {
    const stream = await chat('use `db.list_rows` {"table": "users"}', { threadId: "gate-read-only" });
    await stream.readToEnd();
    expect(stream.seen.filter(isCard())).toEqual([]);
    const [call] = recordedCalls(calls.db).filter((c) => c.tool === "list_rows");
    expect(call?.args).toEqual({ table: "users" });
    // A run id replays the turn (card ids included): a server that had it could answer its own cards.
    expect(call?.meta).not.toHaveProperty(CONVERSATION_META_KEY);
    expect(call?.meta).not.toHaveProperty(CORRELATION_META_KEY);
    expect(JSON.stringify(call?.meta)).not.toContain("gate-read-only");
  });

  it("asks before a destructive tool, showing the server, tool, description, hints and arguments; decline calls nothing", async () => {
    const stream = await chat('use `db.drop_database` {"name": "prod"}', { threadId: "gate-decline" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    expect(card).toMatchObject({
      kind: "tool-call",
      serverName: "db",
      threadId: "gate-decline",
      toolCall: {
        toolName: "drop_database",
        description: "Deletes a database and everything in it.",
        annotations: { destructiveHint: true, readOnlyHint: false },
        arguments: { name: "prod" },
        reason: "the server annotates it destructive",
        rememberable: true,
      },
    });
    expect(card.toolCall?.inputSchema).toMatchObject({ properties: { name: { type: "string" } }, required: ["name"] });
    expect(card.toolCall?.toolCallId).toBeTruthy();
    expect((await answer(card.id, { action: "decline" })).status).toBe(200);
    const output = await stream.waitFor(isToolOutput);
    expect(outputText(output)).toMatch(/^Not run: db\.drop_database was not called because the person declined it/);
    await stream.readToEnd();
    expect(recordedCalls(calls.db).filter((c) => c.tool === "drop_database")).toEqual([]);
  });

  it("refuses edited arguments that do not fit the tool's schema (422, nothing forwarded), then calls with exactly the edit", async () => {
    const stream = await chat('use `db.drop_database` {"name": "prod"}', { threadId: "gate-edit" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    const bad: Array<[unknown, number, string]> = [
      [{ action: "accept", arguments: { name: "" } }, 422, "name must NOT have fewer than 1 characters"],
      [{ action: "accept", arguments: { name: 5 } }, 422, "name must be string"],
      [{ action: "accept", arguments: { force: true } }, 422, "name is required"],
      [{ action: "accept", arguments: { name: "x".repeat(41) } }, 422, "more than 40 characters"],
      [{ action: "accept", arguments: ["prod"] }, 400, "arguments"],
      [{ action: "accept", content: { name: "prod" } }, 400, "a tool-call card takes arguments"],
      [{ action: "decline", arguments: { name: "prod" } }, 400, "arguments"],
    ];
    for (const [body, status, words] of bad) {
      const response = await answer(card.id, JSON.stringify(body));
      expect(response.status, JSON.stringify(body)).toBe(status);
      const { error } = await response.json();
      expect(`${error.message} ${JSON.stringify(error.details ?? "")}`).toContain(words);
      expect(serverState().registry.get(card.id)?.status).toBe("pending");
    }
    expect(recordedCalls(calls.db).filter((c) => c.tool === "drop_database")).toEqual([]);

    expect((await answer(card.id, { action: "accept", arguments: { name: "staging", force: true } })).status).toBe(200);
    expect((await answer(card.id, { action: "accept" })).status).toBe(409);
    await stream.readToEnd();
    expect(
      recordedCalls(calls.db)
        .filter((c) => c.tool === "drop_database")
        .map((c) => c.args),
    ).toEqual([{ name: "staging", force: true }]);
    const settled = stream.seen.filter(isCard()).map(cardOf).at(-1);
    expect(settled).toMatchObject({
      status: "accepted",
      approved: { arguments: { name: "staging", force: true }, edited: true },
      result: { called: true },
    });
  });

  it.each([
    ["an unannotated tool", 'use `db.rename_table` {"from": "ask-rename", "to": "b"}', "the server does not annotate it read-only"],
    [
      "a tool that claims read-only and destructive at once",
      'use `db.vacuum` {"table": "ask-vacuum"}',
      "the server annotates it both read-only and destructive",
    ],
    [
      "a read-only tool on a server set to approve always",
      'use `strict.list_rows` {"table": "ask-strict"}',
      'this server is set to "approve": "always"',
    ],
  ])("asks before %s; cancel calls nothing", async (_what, text, reason) => {
    const marker = /"(ask-[a-z]+)"/.exec(text)![1]!;
    const stream = await chat(text, { threadId: `gate-${marker}` });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    expect(card.toolCall?.reason).toBe(reason);
    expect((await answer(card.id, { action: "cancel" })).status).toBe(200);
    expect(outputText(await stream.waitFor(isToolOutput))).toMatch(/Not run: .* because the approval was cancelled/);
    await stream.readToEnd();
    const made = [...recordedCalls(calls.db), ...recordedCalls(calls.strict)].filter((c) => JSON.stringify(c.args).includes(marker));
    expect(made).toEqual([]);
  });

  it("does not offer 'always allow' where the server is set to ask every time, and refuses it if sent", async () => {
    const stream = await chat('use `strict.drop_database` {"name": "x"}', { threadId: "gate-strict" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    expect(card.toolCall?.rememberable).toBe(false);
    const response = await answer(card.id, { action: "accept", remember: true });
    expect(response.status).toBe(400);
    expect((await answer(card.id, { action: "accept" })).status).toBe(200);
    await stream.readToEnd();
    expect(recordedCalls(calls.strict).map((c) => c.args)).toEqual([{ name: "x" }]);
  });

  it("applies allowTools and denyTools to their own server only: allowed runs, denied is never offered", async () => {
    const allowed = await chat('use `ops.drop_database` {"name": "scratch"}', { threadId: "gate-lists" });
    await allowed.readToEnd();
    expect(allowed.seen.filter(isCard())).toEqual([]);
    expect(recordedCalls(calls.ops).map((c) => c.args)).toEqual([{ name: "scratch" }]);

    const denied = await chat('use `ops.vacuum` {"table": "t"}', { threadId: "gate-lists" });
    await denied.readToEnd();
    expect(denied.text()).toContain("There is no tool `ops.vacuum`");
    expect(denied.text()).not.toContain("`ops.vacuum`,");
    expect(recordedCalls(calls.ops).filter((c) => c.tool === "vacuum")).toEqual([]);
    // The same tool name on a server that does not deny it is still there (and asks).
    expect(denied.text()).toContain("`db.vacuum`");
  });

  it("trusts a server set to approve never: it runs even destructive tools at once", async () => {
    const stream = await chat('use `trusted.drop_database` {"name": "tmp"}', { threadId: "gate-trusted" });
    await stream.readToEnd();
    expect(stream.seen.filter(isCard())).toEqual([]);
    expect(recordedCalls(calls.trusted).map((c) => c.tool)).toEqual(["drop_database"]);
  });
});
