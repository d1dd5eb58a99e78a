import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatRuns } from "./runs";

describe("ChatRuns", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("routes the shared connection's questions by exact id only, never by guessing", () => {
    const runs = new ChatRuns();
    const a = runs.open("thread-a");
    runs.trackToolCall(a, "shell");
    expect(runs.routeOf("shell", a.id)).toBe(a);
    expect(runs.routeOf("shell", undefined)).toBeUndefined();
    expect(runs.routeOf("shell", "someone-else")).toBeUndefined();
  });

  it("routes a conversation's own connection to its run with a call in flight, and not across conversations", () => {
    const runs = new ChatRuns();
    const a = runs.open("thread-a");
    const b = runs.open("thread-b");
    const done = runs.trackToolCall(a, "everything");
    runs.trackToolCall(b, "everything");
    expect(runs.routeOf("everything", undefined, "thread-a")).toBe(a);
    expect(runs.routeOf("everything", b.id, "thread-a")).toBe(a);
    done();
    expect(runs.routeOf("everything", undefined, "thread-a")).toBeUndefined();
  });

  it("stops a turn nobody watches after the grace period, also when nobody ever read it", () => {
    const runs = new ChatRuns(1_000);
    const run = runs.open("thread-a");
    vi.advanceTimersByTime(999);
    expect(run.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(run.signal.aborted).toBe(true);
  });

  it("keeps a watched turn running, and starts the grace period when the last reader leaves", () => {
    const runs = new ChatRuns(1_000);
    const run = runs.open("thread-a");
    const controller = new AbortController();
    run.log.subscribe(controller.signal);
    vi.advanceTimersByTime(5_000);
    expect(run.signal.aborted).toBe(false);
    controller.abort();
    vi.advanceTimersByTime(1_000);
    expect(run.signal.aborted).toBe(true);
  });

  it("ends a closed turn's pending work and keeps it replayable for a while", () => {
    const runs = new ChatRuns();
    const run = runs.open("thread-a");
    runs.close(run);
    expect(run.signal.aborted).toBe(true);
    expect(runs.get(run.id)).toBeUndefined();
    expect(runs.replayable(run.id)).toBe(run);
    vi.advanceTimersByTime(60_000);
    expect(runs.replayable(run.id)).toBeUndefined();
  });
});
