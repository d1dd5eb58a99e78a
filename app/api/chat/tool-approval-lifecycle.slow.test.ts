/**
 * The approval gate's cards over time: "always allow this tool here" remembered per conversation and revoked,
 * Stop and expiry (nothing called, the card says why), and a reloaded or second tab finding the card.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUN_ID_HEADER } from "@/lib/chat/resume";
import { serverState } from "@/lib/server-state";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { gateFixtureEntry, recordedCalls } from "@/testing/fixtures/gate-fixture";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";
import { GET as listPending } from "@/app/api/elicitations/route";
import { DELETE as revoke, GET as listApprovals } from "@/app/api/tool-approvals/route";

const TIMEOUT_MS = 4_000;
let dir: string;
let calls: string;
beforeAll(() => {
  calls = path.join(mkdtempSync(path.join(tmpdir(), "gate-calls-")), "db.jsonl");
  process.env.ELICITATION_TIMEOUT_MS = String(TIMEOUT_MS);
  dir = useMcpConfig({ db: gateFixtureEntry(calls) });
});
afterAll(() => forgetMcpConfig(dir));

// Each test names its own database, so the calls the fixture recorded tell the tests apart.
const drop = (name: string) => `use \`db.drop_database\` {"name": "${name}"}`;
const callsNamed = (name: string) => recordedCalls(calls).filter((c) => c.args.name === name || c.args.from === name);
const approvalsOf = async (threadId: string) =>
  (await (await listApprovals(new Request(`http://127.0.0.1/api/tool-approvals?threadId=${threadId}`))).json()).approvals;

describe("always allow this tool here", () => {
  it("is remembered for this conversation only, and asks again once revoked", async () => {
    const first = await chat(drop("remember-a"), { threadId: "remember-a" });
    const card = cardOf(await first.waitFor(isCard("pending")));
    expect((await answer(card.id, { action: "accept", remember: true })).status).toBe(200);
    await first.readToEnd();
    expect(first.seen.filter(isCard()).map(cardOf).at(-1)?.approved).toMatchObject({ remember: true, edited: false });
    expect(await approvalsOf("remember-a")).toEqual([{ serverName: "db", toolName: "drop_database", createdAt: expect.any(Number) }]);

    const again = await chat(drop("remember-a"), { threadId: "remember-a" });
    await again.readToEnd();
    expect(again.seen.filter(isCard())).toEqual([]);
    expect(callsNamed("remember-a")).toHaveLength(2);

    // Another conversation is still asked.
    const elsewhere = await chat(drop("remember-b"), { threadId: "remember-b" });
    const other = cardOf(await elsewhere.waitFor(isCard("pending")));
    await answer(other.id, { action: "decline" });
    await elsewhere.readToEnd();
    expect(callsNamed("remember-b")).toEqual([]);
    expect(await approvalsOf("remember-b")).toEqual([]);

    const query = "threadId=remember-a&serverName=db&toolName=drop_database";
    expect(await (await revoke(new Request(`http://127.0.0.1/api/tool-approvals?${query}`, { method: "DELETE" }))).json()).toEqual({
      revoked: true,
    });
    expect(await (await revoke(new Request(`http://127.0.0.1/api/tool-approvals?${query}`, { method: "DELETE" }))).json()).toEqual({
      revoked: false,
    });
    const after = await chat(drop("remember-a"), { threadId: "remember-a" });
    const asked = cardOf(await after.waitFor(isCard("pending")));
    await answer(asked.id, { action: "cancel" });
    await after.readToEnd();
    expect(callsNamed("remember-a")).toHaveLength(2);
  });

  it("answers 400 to a malformed list or revoke request", async () => {
    expect((await listApprovals(new Request("http://127.0.0.1/api/tool-approvals"))).status).toBe(400);
    const revokeOf = (query: string) => revoke(new Request(`http://127.0.0.1/api/tool-approvals?${query}`, { method: "DELETE" }));
    expect((await revokeOf("threadId=a&serverName=db")).status).toBe(400);
    expect((await revokeOf("threadId=a&serverName=db&toolName=t&extra=1")).status).toBe(400);
  });
});

describe("a gate card that gets no yes", () => {
  it("is cancelled by Stop, says the turn was stopped, and calls nothing", async () => {
    const stream = await chat(drop("gate-stop"), { threadId: "gate-stop" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    const runId = stream.response.headers.get(RUN_ID_HEADER)!;
    serverState().turns.get(runId)?.stop("stopped by the person");
    const cancelled = cardOf(await stream.waitFor(isCard("cancelled")));
    expect(cancelled).toMatchObject({ id: card.id, note: "the turn was stopped" });
    await stream.readToEnd();
    expect((await answer(card.id, { action: "accept" })).status).toBe(409);
    // The turn is over: no call can be made for it any more.
    await expect.poll(() => serverState().turns.get(runId)).toBeUndefined();
    expect(callsNamed("gate-stop")).toEqual([]);
  });

  it(
    "expires, and the model is told it was not run",
    async () => {
      const stream = await chat(drop("gate-expire"), { threadId: "gate-expire" });
      const card = cardOf(await stream.waitFor(isCard("pending")));
      const expired = cardOf(await stream.waitFor(isCard("expired")));
      expect(expired.id).toBe(card.id);
      expect(JSON.stringify((await stream.waitFor(isToolOutput)).output)).toContain("nobody answered in time");
      await stream.readToEnd();
      expect((await answer(card.id, { action: "accept" })).status).toBe(404);
      expect(callsNamed("gate-expire")).toEqual([]);
    },
    TIMEOUT_MS + 15_000,
  );

  it("is listed for a reloaded or second tab, with everything the card needs, and answerable from there", async () => {
    const stream = await chat('use `db.rename_table` {"from": "second-tab", "to": "b"}', { threadId: "gate-second-tab" });
    const card = cardOf(await stream.waitFor(isCard("pending")));
    const listed = await (await listPending(new Request("http://127.0.0.1/api/elicitations?threadId=gate-second-tab"))).json();
    expect(listed.elicitations).toEqual([expect.objectContaining({ id: card.id, kind: "tool-call", toolCall: card.toolCall })]);
    expect((await answer(card.id, { action: "accept", arguments: { from: "second-tab", to: "c" } })).status).toBe(200);
    await stream.readToEnd();
    expect(callsNamed("second-tab").map((c) => c.args)).toEqual([{ from: "second-tab", to: "c" }]);
  });
});
