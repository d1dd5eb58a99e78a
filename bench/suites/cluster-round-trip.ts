/**
 * Figure 8a: the cross-instance round trip. A question asked on A (its chat stream and its MCP server on A), its
 * answer POSTed to B, which relays it to A over Redis pub/sub; A's desk claims it in storage and resumes the turn.
 * Timed as figure 1's (b) half: from the POST being sent to the retried call reaching the shell server
 * (timestamped in the MCP server child). Baseline, in the same loop and alternating with it: the same question
 * answered on A.
 *
 * The answer is POSTed the moment the card is read, as a tab behind a load balancer could. B knows A's questions
 * from a pub/sub mirror; an answer that reaches B before the mirror does is refused (404). Such answers are counted
 * (the figure is then missed), and the question is answered on A instead so the loop goes on; they are no sample.
 */
import type { AppServer } from "../lib/app-server.ts";
import { wallClockMs } from "../lib/clock.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { chatBody, openUiStream, postJson } from "../lib/http-client.ts";
import { readTimings } from "../fixtures/timings-file.ts";
import { cardOf } from "./concurrency.ts";

interface Sample {
  command: string;
  answeredOn: "cross" | "same";
  answerSentAt: number;
}

export async function crossInstanceRoundTrip(a: AppServer, b: AppServer, options: { pairs: number; warmup: number }): Promise<Figure[]> {
  const samples: Sample[] = [];
  /** Answers B refused with 404 while A held the question, and of those, how many B showed pending just after. */
  const early = { refused: 0, shownAfter: 0, at: [] as number[] };
  for (let i = 0; i < options.warmup + options.pairs; i++) {
    // Which goes first alternates, so neither always follows the other's leftovers on a busy machine.
    const order: Array<Sample["answeredOn"]> = i % 2 ? ["cross", "same"] : ["same", "cross"];
    for (const answeredOn of order) {
      const command = `rm -rf cluster-trip-${answeredOn}-${i}`;
      const stream = openUiStream(a.baseUrl, chatBody(`cluster-trip-${answeredOn}-${i}`, `m-${i}`, `run \`${command}\``));
      const card = await stream.waitFor((part) => cardOf(part)?.status === "pending");
      const id = cardOf(card.part)!.id;
      const answerSentAt = wallClockMs();
      let answer = await postJson((answeredOn === "cross" ? b : a).baseUrl, `/api/elicitations/${id}`, { action: "decline" });
      let sample = true;
      if (answeredOn === "cross" && answer.status === 404) {
        early.refused++;
        early.at.push(i);
        if ((await fetch(`${b.baseUrl}/api/elicitations/${id}`)).status === 200) early.shownAfter++;
        answer = await postJson(a.baseUrl, `/api/elicitations/${id}`, { action: "decline" });
        sample = false;
      }
      if (answer.status !== 200) {
        stream.abort();
        throw new Error(`8a: the answer to ${id} (asked on A, ${answeredOn} instance) got ${answer.status}: ${answer.body}`);
      }
      await stream.finished;
      if (sample && i >= options.warmup) samples.push({ command, answeredOn, answerSentAt });
    }
  }

  // The resumed call reaches the MCP server of the instance that resumes the turn: read both workspaces.
  const resolvedAt = new Map<string, number>();
  for (const app of [a, b]) {
    for (const event of readTimings(app.workspaceDir)) if (event.event === "elicit") resolvedAt.set(event.command, event.resolvedAt);
  }
  const answerMs = { cross: [] as number[], same: [] as number[] };
  for (const sample of samples) {
    const at = resolvedAt.get(sample.command);
    if (at === undefined) throw new Error(`8a: no MCP server recorded the answer for ${sample.command}`);
    answerMs[sample.answeredOn].push(at - sample.answerSentAt);
  }
  const cross = histogramOf(answerMs.cross).summary();
  const same = histogramOf(answerMs.same).summary();
  const attempts = options.warmup + options.pairs;
  const result = figure({
    name: "8a answer POSTed to B → resumed call on A reaches the server, p50",
    value: cross.p50,
    unit: "ms",
    baseline: same.p50,
    max: 5,
    maxRatio: 1.5,
    note:
      `${cross.count} cross and ${same.count} same-instance samples; p99 ${cross.p99} ms (same instance ${same.p99} ms); ` +
      `baseline: the answer POSTed to A itself, same loop, alternating; ${early.refused} of ${attempts} answers POSTed to B ` +
      `the moment the card was read were refused 404 (${early.shownAfter} of them shown pending by B right after${early.at.length ? `; in pairs ${early.at.join(", ")}` : ""})`,
  });
  // An answer refused because it came too soon is a lost answer from the person's side: the figure cannot hold.
  if (early.refused > 0) result.met = false;
  return [result];
}
