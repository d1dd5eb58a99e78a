import { afterEach, describe, expect, it } from "vitest";
import type { ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import { COMMAND_META_KEY, CORRELATION_META_KEY, RISK_META_KEY } from "@/mcp-server/contract";
import { ChatTurns, type ChatTurn } from "@/lib/chat/turns";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { createElicitationHandler } from "./elicitation-handler";

const SCHEMA = { type: "object", properties: { name: { type: "string" } }, required: ["name"] } as const;

function setup(options: { threadId?: string } = {}) {
  const turns = new ChatTurns(60_000);
  const registry = new ElicitationRegistry();
  const logged: string[] = [];
  const handler = createElicitationHandler({
    serverName: "srv",
    turns,
    registry,
    timeoutMs: 60_000,
    log: (m) => logged.push(m),
    ...options,
  });
  const ask = (params: Record<string, unknown>, signal = new AbortController().signal) =>
    handler({ params: params as ElicitRequest["params"], signal } as Parameters<typeof handler>[0]);
  return { turns, registry, logged, ask };
}

const shown = new WeakMap<ChatTurn, Map<string, ElicitationData>>();

/** Opens a run that records the cards shown in it. */
function openRun(turns: ChatTurns, threadId: string): ChatTurn {
  const run = turns.open(threadId);
  const cards = new Map<string, ElicitationData>();
  shown.set(run, cards);
  const show = run.showElicitation;
  run.showElicitation = (data) => {
    cards.set(data.id, data);
    show(data);
  };
  opened.push(run);
  return run;
}

/** The cards shown in a run, latest state of each. */
const cardsOf = (run: ChatTurn) => [...(shown.get(run)?.values() ?? [])];

const opened: ChatTurn[] = [];
afterEach(() => opened.splice(0).forEach((run) => run.stop("test over")));

describe("the elicitation handler", () => {
  it("shows a form in the run named by the correlation id and returns the person's answer", async () => {
    const { turns, registry, ask } = setup();
    const run = openRun(turns, "thread-1");
    const answered = ask({
      message: "Who?",
      requestedSchema: SCHEMA,
      _meta: { [CORRELATION_META_KEY]: run.id, [COMMAND_META_KEY]: "rm x", [RISK_META_KEY]: "deletes" },
    });
    await expect.poll(() => registry.listPending("thread-1")).toHaveLength(1);
    const [card] = registry.listPending("thread-1");
    expect(card).toMatchObject({
      threadId: "thread-1",
      serverName: "srv",
      message: "Who?",
      command: "rm x",
      risk: "deletes",
      status: "pending",
    });
    expect(cardsOf(run).map((c) => c.id)).toEqual([card!.id]);
    registry.answer(card!.id, { action: "accept", content: { name: "Ada" } });
    await expect(answered).resolves.toEqual({ action: "accept", content: { name: "Ada" } });
  });

  it("cancels, showing nothing, when no run can be told on the shared connection", async () => {
    const { turns, registry, ask, logged } = setup();
    openRun(turns, "thread-1");
    await expect(ask({ message: "Who?", requestedSchema: SCHEMA, _meta: { [CORRELATION_META_KEY]: "unknown" } })).resolves.toEqual({
      action: "cancel",
    });
    expect(registry.listPending()).toEqual([]);
    expect(logged[0]).toContain("no conversation to show it in");
  });

  it("on a conversation's own connection, finds the run with a call in flight on that server", async () => {
    const { turns, registry, ask } = setup({ threadId: "thread-2" });
    const run = openRun(turns, "thread-2");
    const done = turns.trackToolCall(run, "srv");
    const answered = ask({ message: "Sure?", requestedSchema: { type: "object", properties: {} } });
    await expect.poll(() => registry.listPending("thread-2")).toHaveLength(1);
    registry.answer(registry.listPending("thread-2")[0]!.id, { action: "decline" });
    await expect(answered).resolves.toEqual({ action: "decline" });
    done();
  });

  it("cancels a schema it cannot read and a URL that is not http(s)", async () => {
    const { turns, registry, ask, logged } = setup();
    const run = openRun(turns, "thread-1");
    const meta = { [CORRELATION_META_KEY]: run.id };
    await expect(ask({ message: "?", requestedSchema: { type: "array" }, _meta: meta })).resolves.toEqual({ action: "cancel" });
    await expect(ask({ mode: "url", message: "?", url: "javascript:alert(1)", elicitationId: "e1", _meta: meta })).resolves.toEqual({
      action: "cancel",
    });
    expect(registry.listPending()).toEqual([]);
    expect(logged).toEqual([expect.stringContaining("unreadable requestedSchema"), expect.stringContaining("not http(s)")]);
  });

  it("answers an accepted URL request with the action only", async () => {
    const { turns, registry, ask } = setup();
    const run = openRun(turns, "thread-1");
    const answered = ask({
      mode: "url",
      message: "Log in",
      url: "https://example.com/login",
      elicitationId: "e1",
      _meta: { [CORRELATION_META_KEY]: run.id },
    });
    await expect.poll(() => registry.listPending("thread-1")).toHaveLength(1);
    expect(registry.listPending("thread-1")[0]).toMatchObject({ mode: "url", url: "https://example.com/login" });
    registry.answer(registry.listPending("thread-1")[0]!.id, { action: "accept" });
    await expect(answered).resolves.toEqual({ action: "accept" });
  });

  it("cancels when the turn stops, and says so on the card", async () => {
    const { turns, ask } = setup();
    const run = openRun(turns, "thread-1");
    const answered = ask({ message: "Who?", requestedSchema: SCHEMA, _meta: { [CORRELATION_META_KEY]: run.id } });
    await expect.poll(() => cardsOf(run)).toHaveLength(1);
    run.stop("stopped by the person");
    await expect(answered).resolves.toEqual({ action: "cancel" });
    expect(cardsOf(run)[0]).toMatchObject({ status: "cancelled", note: expect.stringContaining("stopped") });
  });
});
