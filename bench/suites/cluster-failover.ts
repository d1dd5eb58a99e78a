/**
 * Figure 8c: failover. An instance A holds a pending question (asked on A, mirrored to B); A is killed with
 * SIGKILL; the time until B takes the question over. The bundled shell server's questions are durable, so taken
 * over means re-owned by B and answerable there, not expired: B's GET shows it pending before and after (from the
 * mirror, then from its own registry), so what is timed is an answer POSTed to B. Until B owns it, B relays the
 * answer to the dead A and says 503 after the relay's 5 s; so a POST is sent every POLL_MS without waiting for the
 * one before, and the figure is the first 200's arrival after the kill. Each run starts a new A under a new
 * INSTANCE_ID: lib/cluster/liveness.ts keeps a dead instance's failover key for 60 s, so an A restarted under the
 * same name and killed again within that minute would be taken over only when the key expires.
 */
import type { AppServer } from "../lib/app-server.ts";
import { isAlive } from "../../testing/processes.ts";
import type { ClusterServices } from "../lib/cluster-instances.ts";
import { wallClockMs } from "../lib/clock.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { chatBody, openUiStream, postJson, type JsonResponse } from "../lib/http-client.ts";
import { cardOf, lostAnswers } from "./concurrency.ts";

const POLL_MS = 50;
/** Far past the target (5 s), so a slow failover is measured rather than cut off. */
const GIVE_UP_MS = 30_000;

interface Run {
  takenOverMs: number;
  /** The other answers POSTed to B during the run, by status (503 before the take-over, 409 after the first 200). */
  refused: Map<number, number>;
  /** A's MCP server children still running once B took over (they must die with A). */
  orphans: number;
  resumed: boolean;
}

export async function clusterFailover(services: ClusterServices, b: AppServer, kills: number): Promise<Figure[]> {
  const runs: Run[] = [];
  const stragglers: Array<Promise<unknown>> = [];
  for (let k = 1; k <= kills; k++) runs.push(await killOnce(services, b, k, stragglers));
  // The POSTs relayed to the dead instance end with 503 after 5 s; none must have been accepted as well.
  const late = await Promise.all(stragglers);
  const doubles = late.filter((r) => (r as JsonResponse | undefined)?.status === 200).length - runs.length;

  const summary = histogramOf(runs.map((r) => r.takenOverMs)).summary();
  const refused = new Map<number, number>();
  for (const run of runs) for (const [status, count] of run.refused) refused.set(status, (refused.get(status) ?? 0) + count);
  const orphans = runs.reduce((sum, r) => sum + r.orphans, 0);
  const notResumed = runs.filter((r) => !r.resumed).length;
  const taken = figure({
    name: "8c failover: kill -9 → question answerable on the other instance, p50",
    value: summary.p50,
    unit: "ms",
    max: 5000,
    note:
      `${runs.length} kills; max ${summary.max} ms; heartbeat expires after 3 s; the other answers POSTed to B: ` +
      `${[...refused].map(([status, count]) => `${count}× ${status}`).join(", ") || "none"} (503 before the take-over, 409 after); ` +
      `${notResumed} turns not resumed on B, ${doubles} second answers accepted, ${orphans} MCP server children outlived their instance`,
  });
  // A question taken over but not resumed, answered twice, or a shell server left running is a failed failover.
  if (notResumed || doubles || orphans) taken.met = false;
  return [taken];
}

async function killOnce(services: ClusterServices, b: AppServer, k: number, stragglers: Array<Promise<unknown>>): Promise<Run> {
  const a = await services.startInstance(`bench-a-failover-${k}`);
  const threadId = `cluster-failover-${k}`;
  const command = `rm -rf cluster-failover-${k}`;
  const stream = openUiStream(a.baseUrl, chatBody(threadId, "m-0", `run \`${command}\``));
  let mcpChildren: number[] = [];
  try {
    const id = cardOf((await stream.waitFor((part) => cardOf(part)?.status === "pending")).part)!.id;
    // B must know the question (its mirror) before A dies, as an inbox open on B would; and it must be at rest in
    // storage: the reply showing its card saved (a kill in the moments before that is a different case: see
    // BENCHMARKS.md).
    await waitUntil(async () => (await fetch(`${b.baseUrl}/api/elicitations/${id}`)).status === 200, 5_000, `B never showed ${id}`);
    await waitUntil(
      async () => (await (await fetch(`${b.baseUrl}/api/chat/threads/${threadId}`)).text()).includes(id),
      5_000,
      `the reply with ${id} was never stored`,
    );
    mcpChildren = [...a.mcpServerPidsSeen()];

    const killedAt = wallClockMs();
    process.kill(a.pid, "SIGKILL");
    stream.abort();
    const refused = new Map<number, number>();
    let takenOverMs: number | undefined;
    while (takenOverMs === undefined && wallClockMs() - killedAt < GIVE_UP_MS) {
      const sent = postJson(b.baseUrl, `/api/elicitations/${id}`, { action: "decline" }).then(
        (response) => {
          if (response.status === 200) takenOverMs ??= wallClockMs() - killedAt;
          else refused.set(response.status, (refused.get(response.status) ?? 0) + 1);
          return response;
        },
        () => undefined,
      );
      stragglers.push(sent);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (takenOverMs === undefined) {
      const statuses = [...refused].map(([status, count]) => `${count}× ${status}`).join(", ");
      throw new Error(`8c: no answer to ${id} was accepted by B within ${GIVE_UP_MS} ms of the kill (B answered ${statuses})`);
    }
    const orphans = mcpChildren.filter(isAlive).length;
    // Taken over means answerable there: the turn resumes on B and its stored conversation shows the result.
    const resumed = (await lostAnswers(b, [{ threadId, command, id, stream }])) === 0;
    if (!resumed) {
      const stored = await (await fetch(`${b.baseUrl}/api/chat/threads/${threadId}`)).text();
      console.warn(`[bench] 8c: ${id} was taken over by B but its turn did not resume there; stored: ${stored.slice(0, 3000)}`);
    }
    return { takenOverMs, refused, orphans, resumed };
  } finally {
    stream.abort();
    await a.stop();
    for (const pid of mcpChildren.filter(isAlive)) process.kill(pid, "SIGKILL");
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, failure: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
