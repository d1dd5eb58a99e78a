import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatTurns } from "./turns";

describe("ChatTurns", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("routes the shared connection's questions by exact id only, never by guessing", () => {
    const turns = new ChatTurns();
    const a = turns.open("thread-a");
    turns.trackToolCall(a, "shell");
    expect(turns.routeOf("shell", a.id)).toBe(a);
    expect(turns.routeOf("shell", undefined)).toBeUndefined();
    expect(turns.routeOf("shell", "someone-else")).toBeUndefined();
  });

  it("routes a conversation's own connection to its run with a call in flight, and not across conversations", () => {
    const turns = new ChatTurns();
    const a = turns.open("thread-a");
    const b = turns.open("thread-b");
    const done = turns.trackToolCall(a, "everything");
    turns.trackToolCall(b, "everything");
    expect(turns.routeOf("everything", undefined, "thread-a")).toBe(a);
    expect(turns.routeOf("everything", b.id, "thread-a")).toBe(a);
    done();
    expect(turns.routeOf("everything", undefined, "thread-a")).toBeUndefined();
  });

  it("stops a turn nobody watches after the grace period, also when nobody ever read it", () => {
    const turns = new ChatTurns(1_000);
    const run = turns.open("thread-a");
    vi.advanceTimersByTime(999);
    expect(run.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(run.signal.aborted).toBe(true);
  });

  it("keeps a watched turn running, and starts the grace period when the last reader leaves", () => {
    const turns = new ChatTurns(1_000);
    const run = turns.open("thread-a");
    const controller = new AbortController();
    run.log.subscribe(controller.signal);
    vi.advanceTimersByTime(5_000);
    expect(run.signal.aborted).toBe(false);
    controller.abort();
    vi.advanceTimersByTime(1_000);
    expect(run.signal.aborted).toBe(true);
  });

  it("ends a closed turn's pending work and keeps it replayable for a while", () => {
    const turns = new ChatTurns();
    const run = turns.open("thread-a");
    turns.close(run);
    expect(run.signal.aborted).toBe(true);
    expect(turns.get(run.id)).toBeUndefined();
    expect(turns.replayable(run.id)).toBe(run);
    vi.advanceTimersByTime(60_000);
    expect(turns.replayable(run.id)).toBeUndefined();
  });
});
