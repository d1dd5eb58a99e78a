/**
 * Figure 2: a warm chat turn with the offline model and a read-only command (`pwd`, which runs at once):
 * time to the first byte of the streamed body and to the end of the stream, beside the same server's cheapest
 * route (POST to an unknown elicitation id → 404 JSON) measured in the same loop.
 */
import { randomUUID } from "node:crypto";
import type { AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { chatBody, openUiStream, postJson } from "../lib/http-client.ts";

export async function chatTurn(app: AppServer, options: { samples: number; warmup: number }): Promise<Figure[]> {
  const firstByte: number[] = [];
  const total: number[] = [];
  const noopFirstByte: number[] = [];
  const noopTotal: number[] = [];
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const stream = openUiStream(app.baseUrl, chatBody(`turn-${i}`, `m-${i}`, "run `pwd`"));
    const ttfb = await stream.firstByteMs;
    const duration = await stream.finished;
    const output = stream.parts.find((entry) => entry.part.type === "tool-output-available");
    if (!output) throw new Error(`turn ${i} ran no tool: ${stream.parts.map((e) => e.part.type).join(", ")}`);
    const noop = await postJson(app.baseUrl, `/api/elicitations/${randomUUID()}`, { action: "cancel" });
    if (i < options.warmup) continue;
    firstByte.push(ttfb);
    total.push(duration);
    noopFirstByte.push(noop.firstByteMs);
    noopTotal.push(noop.durationMs);
  }
  const [ttfb, turn, noopTtfb, noopDone] = [firstByte, total, noopFirstByte, noopTotal].map((s) => histogramOf(s).summary());
  return [
    figure({
      name: "2 chat turn TTFB (warm), p50",
      value: ttfb!.p50,
      unit: "ms",
      baseline: noopTtfb!.p50,
      max: 30,
      note: `${ttfb!.count} turns; p99 ${ttfb!.p99} ms; baseline: no-op route's TTFB on the same server`,
    }),
    figure({
      name: "2 chat turn total (warm), p50",
      value: turn!.p50,
      unit: "ms",
      baseline: noopDone!.p50,
      note: `${turn!.count} turns; p99 ${turn!.p99} ms; includes running \`pwd\` via /bin/sh in the MCP server`,
    }),
  ];
}

/** Figure 2, spawns: every turn of the run shares one MCP server process. */
export function mcpSpawns(app: AppServer, turnsServed: number): Figure {
  const spawns = app.mcpServerPidsSeen().size;
  return figure({
    name: "2 MCP server spawns per app process",
    value: spawns,
    unit: "processes",
    baseline: turnsServed,
    min: 1,
    max: 1,
    note: `children of the app server sampled every 10 ms; baseline: chat turns served (one spawn per turn would match it)`,
  });
}
