import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ElicitationData } from "./contract";
import { ElicitationRegistry, type OpenElicitation } from "./registry";

function request(overrides: Partial<OpenElicitation> = {}) {
  const changes: ElicitationData[] = [];
  const open: OpenElicitation = {
    threadId: "thread-1",
    serverName: "shell",
    message: "Run `rm -rf build`?",
    requestedSchema: { type: "object", properties: {} },
    command: "rm -rf build",
    timeoutMs: 1_000,
    onChange: (data) => changes.push(data),
    ...overrides,
  };
  return { open, changes };
}

describe("ElicitationRegistry", () => {
  let registry: ElicitationRegistry;
  beforeEach(() => {
    vi.useFakeTimers();
    registry = new ElicitationRegistry();
  });
  afterEach(() => vi.useRealTimers());

  it("announces a pending card, then resolves with the person's answer and announces it", async () => {
    const { open, changes } = request();
    const { data, settled } = registry.open(open);
    expect(data.status).toBe("pending");
    expect(changes.map((c) => c.status)).toEqual(["pending"]);
    expect(registry.listPending("thread-1").map((d) => d.id)).toEqual([data.id]);

    const result = registry.answer(data.id, { action: "accept", content: { confirm: true } });
    expect(result).toMatchObject({ kind: "answered", outcome: { id: data.id, status: "accepted" } });
    await expect(settled).resolves.toEqual({ action: "accept", content: { confirm: true } });
    expect(changes.map((c) => c.status)).toEqual(["pending", "accepted"]);
    expect(registry.listPending()).toEqual([]);
  });

  it("keeps decline and cancel distinct and sends no content with them", async () => {
    const a = registry.open(request().open);
    const b = registry.open(request().open);
    registry.answer(a.data.id, { action: "decline" });
    registry.answer(b.data.id, { action: "cancel" });
    await expect(a.settled).resolves.toEqual({ action: "decline", content: undefined });
    await expect(b.settled).resolves.toEqual({ action: "cancel", content: undefined });
  });

  it("answers cancel on timeout and shows the card as expired; a late answer is a 404", async () => {
    const { open, changes } = request({ timeoutMs: 5_000 });
    const { data, settled } = registry.open(open);
    vi.advanceTimersByTime(4_999);
    expect(registry.get(data.id)?.status).toBe("pending");
    vi.advanceTimersByTime(1);
    await expect(settled).resolves.toEqual({ action: "cancel" });
    expect(changes.at(-1)?.status).toBe("expired");
    expect(registry.answer(data.id, { action: "accept" })).toEqual({ kind: "not_found", expired: true });
  });

  it("cancels when the chat request is aborted, also if it was aborted before the card opened", async () => {
    const controller = new AbortController();
    const { open, changes } = request({ signal: controller.signal });
    const live = registry.open(open);
    controller.abort();
    await expect(live.settled).resolves.toEqual({ action: "cancel" });
    expect(changes.at(-1)).toMatchObject({ status: "cancelled", note: "the chat request was closed" });

    const late = registry.open(request({ signal: controller.signal }).open);
    await expect(late.settled).resolves.toEqual({ action: "cancel" });
    expect(registry.listPending()).toEqual([]);
  });

  it("lets only the first answer count and reports it to the second with a conflict", async () => {
    const { data, settled } = registry.open(request().open);
    registry.answer(data.id, { action: "decline" });
    const second = registry.answer(data.id, { action: "accept" });
    expect(second).toMatchObject({ kind: "conflict", outcome: { status: "declined" } });
    await expect(settled).resolves.toMatchObject({ action: "decline" });
  });

  it("does not let a timeout override an answer already given", async () => {
    const { open, changes } = request({ timeoutMs: 100 });
    const { data } = registry.open(open);
    registry.answer(data.id, { action: "accept" });
    vi.advanceTimersByTime(1_000);
    expect(changes.map((c) => c.status)).toEqual(["pending", "accepted"]);
  });

  it("reports an unknown id as not found", () => {
    expect(registry.answer("no-such-id", { action: "accept" })).toEqual({ kind: "not_found", expired: false });
  });

  it("routes answers by id when many are pending at once", async () => {
    registry.limits = { perConversation: 100, total: 100 };
    const opened = Array.from({ length: 50 }, (_, i) => registry.open(request({ threadId: `t${i % 5}` }).open));
    opened.forEach((o, i) => registry.answer(o.data.id, i % 2 ? { action: "decline" } : { action: "accept" }));
    const results = await Promise.all(opened.map((o) => o.settled));
    expect(results.map((r) => r.action)).toEqual(opened.map((_, i) => (i % 2 ? "decline" : "accept")));
  });

  it("still settles when announcing the change throws (a closed stream)", async () => {
    let calls = 0;
    const { data, settled } = registry.open(
      request({
        onChange: () => {
          calls += 1;
          if (calls > 1) throw new Error("stream closed");
        },
      }).open,
    );
    registry.answer(data.id, { action: "accept" });
    await expect(settled).resolves.toMatchObject({ action: "accept" });
  });

  it("caps questions per conversation, not per server: one busy conversation cannot cancel another's", async () => {
    registry.limits = { perConversation: 2, total: 10 };
    const first = registry.open(request().open);
    registry.open(request().open);
    const third = request();
    const over = registry.open(third.open);
    await expect(over.settled).resolves.toEqual({ action: "cancel" });
    expect(third.changes.at(-1)).toMatchObject({ status: "cancelled", note: "this conversation already has 2 questions waiting" });
    // Same shared server, another conversation: still asked.
    const other = registry.open(request({ threadId: "thread-2" }).open);
    expect(registry.get(other.data.id)?.status).toBe("pending");
    registry.answer(first.data.id, { action: "decline" });
    const again = registry.open(request().open);
    expect(registry.get(again.data.id)?.status).toBe("pending");
  });

  it("caps questions in the whole app with a larger total", async () => {
    registry.limits = { perConversation: 2, total: 3 };
    for (const threadId of ["a", "b", "c"]) registry.open(request({ threadId }).open);
    const fourth = request({ threadId: "d" });
    await expect(registry.open(fourth.open).settled).resolves.toEqual({ action: "cancel" });
    expect(fourth.changes.at(-1)).toMatchObject({ status: "cancelled", note: "3 questions are already waiting in this app" });
  });

  it("takes its limits from a number (per conversation) and never lets the total fall below it", () => {
    expect(new ElicitationRegistry(5).limits).toEqual({ perConversation: 5, total: 200 });
    expect(new ElicitationRegistry({ perConversation: 500, total: 100 }).limits).toEqual({ perConversation: 500, total: 500 });
    expect(new ElicitationRegistry().limits).toEqual({ perConversation: 20, total: 200 });
  });

  it("says on the card why its signal aborted", async () => {
    const controller = new AbortController();
    const { open, changes } = request({ signal: controller.signal, abortNote: () => "the MCP server closed the connection" });
    const { data, settled } = registry.open(open);
    controller.abort();
    await settled;
    expect(changes.at(-1)).toMatchObject({ status: "cancelled", note: "the MCP server closed the connection" });
    // Kept with the outcome too, for a tab whose stream ended before this update (Stop aborts the stream first).
    expect(registry.lookup(data.id)).toMatchObject({ settled: { status: "cancelled", note: "the MCP server closed the connection" } });
  });

  it("records the command an accept approved, and whether the person edited it", () => {
    const edited = request();
    const a = registry.open(edited.open);
    registry.answer(a.data.id, { action: "accept", content: { command: "rm -rf build2", remember: "once" } });
    expect(edited.changes.at(-1)?.approved).toEqual({ command: "rm -rf build2", edited: true });

    const as = request();
    const b = registry.open(as.open);
    registry.answer(b.data.id, { action: "accept", content: { command: "  " } });
    expect(as.changes.at(-1)?.approved).toEqual({ command: "rm -rf build", edited: false });

    const form = request({ command: undefined });
    registry.answer(registry.open(form.open).data.id, { action: "accept", content: {} });
    expect(form.changes.at(-1)?.approved).toBeUndefined();
  });
});

describe("ElicitationRegistry with tool-call cards", () => {
  const toolCall = {
    toolName: "drop_database",
    arguments: { name: "prod" },
    inputSchema: { type: "object" },
    reason: "the server annotates it destructive",
    rememberable: true,
  };

  it("marks the card as a tool call and settles an unedited accept with the arguments as shown", async () => {
    const changes: ElicitationData[] = [];
    const registry = new ElicitationRegistry();
    const { data, settled } = registry.open({ ...request({ command: undefined }).open, toolCall, onChange: (d) => changes.push(d) });
    expect(data).toMatchObject({ kind: "tool-call", toolCall });
    registry.answer(data.id, { action: "accept" });
    await expect(settled).resolves.toEqual({ action: "accept", arguments: { name: "prod" }, remember: false });
    expect(changes.at(-1)?.approved).toEqual({ arguments: { name: "prod" }, edited: false, remember: false });
  });

  it("settles an edited accept with exactly the edited arguments, and records the edit and the remember choice", async () => {
    const changes: ElicitationData[] = [];
    const registry = new ElicitationRegistry();
    const { data, settled } = registry.open({ ...request({ command: undefined }).open, toolCall, onChange: (d) => changes.push(d) });
    registry.answer(data.id, { action: "accept", arguments: { name: "staging" }, remember: true });
    await expect(settled).resolves.toEqual({ action: "accept", arguments: { name: "staging" }, remember: true });
    expect(changes.at(-1)?.approved).toEqual({ arguments: { name: "staging" }, edited: true, remember: true });
  });

  it("reports what became of an accepted call on the card and with the outcome", () => {
    const changes: ElicitationData[] = [];
    const registry = new ElicitationRegistry();
    const accepted = registry.open({ ...request({ command: undefined }).open, toolCall, onChange: (d) => changes.push(d) });
    registry.answer(accepted.data.id, { action: "accept" });
    accepted.report({ called: false, summary: "the turn was stopped before the call" });
    expect(changes.at(-1)).toMatchObject({ status: "accepted", result: { called: false } });
    expect(registry.lookup(accepted.data.id)).toMatchObject({ settled: { status: "accepted", result: { called: false } } });
  });

  it("ignores a report for a card that was not accepted", () => {
    const changes: ElicitationData[] = [];
    const registry = new ElicitationRegistry();
    const opened = registry.open({ ...request({ command: undefined }).open, toolCall, onChange: (d) => changes.push(d) });
    registry.answer(opened.data.id, { action: "decline" });
    opened.report({ called: true, summary: "called" });
    expect(changes.at(-1)?.result).toBeUndefined();
    expect(registry.lookup(opened.data.id)).toEqual({ settled: expect.not.objectContaining({ result: expect.anything() }) });
  });
});
