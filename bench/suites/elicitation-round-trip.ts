/**
 * Figure 1: the elicitation round trip through the app, against the bare SDK plus one no-op POST.
 *
 * (a) the shell server sends its question (the call ends with `input_required`, timestamped inside the MCP server
 *     child) → the `data-elicitation` part is parsed by this HTTP client of /api/chat; in between the app stores
 *     the question and suspends the turn;
 * (b) this client sends POST /api/elicitations/{id} → the retried call with the answer reaches the server
 *     (timestamped in the child): the claim, and the turn resumed from storage. Both processes read the same
 *     machine clock (see lib/clock.ts).
 * Baseline, sample by sample in the same loop: one elicitation through the bare SDK client and server over
 * stdio (answered at once) plus one POST to the cheapest route of the same Next server (unknown id → 404).
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { AppServer } from "../lib/app-server.ts";
import { wallClockMs } from "../lib/clock.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { chatBody, openUiStream, postJson } from "../lib/http-client.ts";
import { bareElicitation, connectAndListTools, minimalEnv } from "../lib/mcp-stdio-client.ts";
import { BENCH_DIR } from "../lib/paths.ts";
import { readTimings } from "../fixtures/timings-file.ts";

interface AppSample {
  command: string;
  cardReadAt: number;
  answerSentAt: number;
}

const isPendingCard = (part: { type: string; data?: unknown }) =>
  part.type === "data-elicitation" && (part.data as { status?: string } | undefined)?.status === "pending";

export async function elicitationRoundTrip(app: AppServer, options: { samples: number; warmup: number }): Promise<Figure[]> {
  const bare = await connectAndListTools({
    script: path.join(BENCH_DIR, "fixtures", "bare-elicit-server.ts"),
    env: minimalEnv(app.workspaceDir),
  });
  const appSamples: AppSample[] = [];
  const noopMs: number[] = [];
  const bareMs: number[] = [];
  try {
    for (let i = 0; i < options.warmup + options.samples; i++) {
      const command = `rm -rf round-trip-${i}`;
      const stream = openUiStream(app.baseUrl, chatBody(`round-trip-${i}`, `m-${i}`, `run \`${command}\``));
      const card = await stream.waitFor(isPendingCard);
      const id = String((card.part.data as { id: string }).id);
      const answerSentAt = wallClockMs();
      const answer = await postJson(app.baseUrl, `/api/elicitations/${id}`, { action: "decline" });
      if (answer.status !== 200) throw new Error(`answer ${id} got ${answer.status}: ${answer.body}`);
      await stream.finished;

      // The baseline right beside each sample, so both see the same moment of a noisy machine.
      const noop = await postJson(app.baseUrl, `/api/elicitations/${randomUUID()}`, { action: "decline" });
      if (noop.status !== 404) throw new Error(`the no-op route answered ${noop.status}`);
      const bareRoundTrip = await bareElicitation(bare.client);
      if (i < options.warmup) continue;
      appSamples.push({ command, cardReadAt: card.readAt, answerSentAt });
      noopMs.push(noop.durationMs);
      bareMs.push(bareRoundTrip);
    }
  } finally {
    await bare.close();
  }

  const elicitTimes = new Map<string, { calledAt: number; resolvedAt: number }>();
  for (const event of readTimings(app.workspaceDir)) if (event.event === "elicit") elicitTimes.set(event.command, event);
  const requestMs: number[] = [];
  const answerMs: number[] = [];
  for (const sample of appSamples) {
    const times = elicitTimes.get(sample.command);
    if (!times) throw new Error(`the MCP server recorded no elicitation for ${sample.command}`);
    requestMs.push(sample.cardReadAt - times.calledAt);
    answerMs.push(times.resolvedAt - sample.answerSentAt);
  }
  const totalMs = requestMs.map((a, i) => a + answerMs[i]!);
  const baselineMs = bareMs.map((b, i) => b + noopMs[i]!);

  const [a, b, total, noop, bareRt, baseline] = [requestMs, answerMs, totalMs, noopMs, bareMs, baselineMs].map((s) =>
    histogramOf(s).summary(),
  );
  const n = total!.count;
  return [
    figure({
      name: "1a question sent → card read by client, p50",
      value: a!.p50,
      unit: "ms",
      baseline: bareRt!.p50,
      note: `${n} samples; p99 ${a!.p99} ms; baseline: bare SDK elicitation round trip (both ways) over stdio`,
    }),
    figure({
      name: "1b answer POST → resumed call reaches the server, p50",
      value: b!.p50,
      unit: "ms",
      baseline: noop!.p50,
      note: `${n} samples; p99 ${b!.p99} ms; baseline: POST to the same server's no-op path (404)`,
    }),
    figure({
      name: "1 round trip (a)+(b), p50",
      value: total!.p50,
      unit: "ms",
      baseline: baseline!.p50,
      max: 5,
      maxRatio: 1.5,
      note: `${n} paired samples; baseline per sample: bare SDK elicitation + no-op POST`,
    }),
    figure({
      name: "1 round trip (a)+(b), p99",
      value: total!.p99,
      unit: "ms",
      baseline: baseline!.p99,
      max: 25,
      note: `${n} paired samples`,
    }),
  ];
}
