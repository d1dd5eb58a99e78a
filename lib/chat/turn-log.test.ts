import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { TurnLog } from "./turn-log";

async function readAll(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

const card = (status: string): UIMessageChunk => ({ type: "data-elicitation", id: "card-1", data: { status } });

describe("TurnLog", () => {
  it("replays what came before to a late reader, then follows live until the end", async () => {
    const log = new TurnLog();
    log.push({ type: "start" });
    const early = readAll(log.subscribe());
    log.push({ type: "text-start", id: "t" });
    const late = readAll(log.subscribe());
    log.push({ type: "text-delta", id: "t", delta: "hi" });
    log.end();
    const expected = [{ type: "start" }, { type: "text-start", id: "t" }, { type: "text-delta", id: "t", delta: "hi" }];
    expect(await early).toEqual(expected);
    expect(await late).toEqual(expected);
    expect(await readAll(log.subscribe())).toEqual(expected);
  });

  it("keeps only the latest version of a data part with an id, where it first appeared", async () => {
    const log = new TurnLog();
    log.push(card("pending"));
    log.push({ type: "finish-step" });
    log.push(card("accepted"));
    log.end();
    expect(await readAll(log.subscribe())).toEqual([card("accepted"), { type: "finish-step" }]);
  });

  it("hands the whole turn to whoever waits for its end, without counting them as readers", async () => {
    const counts: number[] = [];
    const log = new TurnLog((n) => counts.push(n));
    const done = log.whenDone();
    log.push({ type: "start" });
    log.end();
    expect(await done).toEqual([{ type: "start" }]);
    expect(counts).toEqual([]);
  });

  it("counts readers, and lets one go when its request is aborted", async () => {
    const counts: number[] = [];
    const log = new TurnLog((n) => counts.push(n));
    const controller = new AbortController();
    const reading = readAll(log.subscribe(controller.signal));
    log.push({ type: "start" });
    controller.abort();
    expect(await reading).toEqual([{ type: "start" }]);
    expect(counts).toEqual([1, 0]);
  });
});
