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
    registry.maxPendingPerServer = 100;
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

  it("cancels at once, with a note on the card, beyond the per-server limit", async () => {
    registry.maxPendingPerServer = 2;
    const first = registry.open(request().open);
    registry.open(request().open);
    const third = request();
    const over = registry.open(third.open);
    await expect(over.settled).resolves.toEqual({ action: "cancel" });
    expect(third.changes.at(-1)).toMatchObject({ status: "cancelled", note: "shell already has 2 questions waiting" });
    const other = registry.open(request({ serverName: "other" }).open);
    expect(registry.get(other.data.id)?.status).toBe("pending");
    registry.answer(first.data.id, { action: "decline" });
    const again = registry.open(request().open);
    expect(registry.get(again.data.id)?.status).toBe("pending");
  });
});
