/**
 * Figure 9: people as a tool, the app's own MCP server "people" (/api/mcp), on its own app server with a team
 * (bench/lib/people-app.ts). The agent is the official SDK client over Streamable HTTP with an API key, as any
 * MCP agent would call it; the reviewer reads with their own key, as the /inbox page does.
 * - 9a: from ask_human called (wait: false, specialty security) to the request read as a server-sent event by the
 *   reviewer's open GET /api/inbox/stream (lib/review/inbox-latency.ts, from: "asked"); after a warm-up, each
 *   request is withdrawn afterwards (cancel_request), so the inbox stays as small as a person's.
 * - 9b/9c: 1,000 requests of the agent pending at once (asked 8 at a time), then, alternately, the agent's
 *   list_requests (status pending) over MCP and the reviewer's GET /api/inbox, each timed by the client to the
 *   whole body read and parsed, each beside the same call answering nothing (the baseline).
 */
import type { Client } from "@modelcontextprotocol/client";
import { measureInboxLatency } from "../../lib/review/inbox-latency.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { PEOPLE_SPECIALTY, startPeopleApp } from "../lib/people-app.ts";

export interface PeopleOptions {
  /** 9a samples, after `warmup` unrecorded ones. */
  asks: number;
  warmup: number;
  /** 9b/9c: requests held pending, and how many times each list is timed (after 5 unrecorded). */
  open: number;
  lists: number;
}

const FILL_CONCURRENCY = 8;

const log = (message: string) => console.log(`[bench] ${message}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A tool call's structured result; throws on a tool error. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Record<string, unknown>;
}

async function askWithoutWaiting(client: Client, question: string): Promise<string> {
  const asked = await call(client, "ask_human", { question, specialty: PEOPLE_SPECIALTY, wait: false });
  if (asked.status !== "pending") throw new Error(`ask_human: ${JSON.stringify(asked)}`);
  return String(asked.id);
}

const summaryOf = (samples: number[]) => {
  const histogram = histogramOf(samples);
  return { count: histogram.count, p50: histogram.percentileMs(50), p95: histogram.percentileMs(95), max: histogram.summary().max };
};

export async function peopleAsATool(options: PeopleOptions): Promise<Figure[]> {
  let started = performance.now();
  const people = await startPeopleApp();
  const client = await people.connectAgent();
  const baseURL = people.app.baseUrl;
  const reviewer = { authorization: `Bearer ${people.keys.reviewer}` };
  try {
    log(`9: a team's app server on ${baseURL} (users and start: ${seconds(started)}); 9a: ${options.asks} asks …`);
    started = performance.now();
    const asked: string[] = [];
    const measure = (samples: number, label: string) =>
      measureInboxLatency({
        baseURL,
        headers: reviewer,
        samples,
        from: "asked",
        ask: async (sample) => asked.push(await askWithoutWaiting(client, `Is change ${label}-${sample} safe to ship?`)),
      });
    await measure(options.warmup, "warm-up");
    const arrival = summaryOf(await measure(options.asks, "latency"));
    for (const id of asked) await call(client, "cancel_request", { id });

    log(`9a took ${seconds(started)}; 9b/9c: ${options.open} requests asked and held …`);
    started = performance.now();
    let next = 0;
    const fill = async () => {
      while (next < options.open) await askWithoutWaiting(client, `Held request ${next++}: is this dependency safe?`);
    };
    await Promise.all(Array.from({ length: FILL_CONCURRENCY }, fill));
    log(`asked in ${seconds(started)}; ${options.lists} lists of each kind …`);
    started = performance.now();
    // Each figure beside its baseline, alternately in one loop: the same call answering nothing (an agent's
    // list_requests of a status none has; the reviewer's inbox filtered to no item), which is what auth, MCP and
    // the route cost without the 1,000 requests.
    const times = { list: [] as number[], listNone: [] as number[], inbox: [] as number[], inboxNone: [] as number[] };
    let listed = 0;
    let inboxItems = 0;
    let inboxBytes = 0;
    const timed = async <T>(samples: number[] | undefined, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      samples?.push(performance.now() - started);
      return result;
    };
    const getInbox = async (query: string) => {
      const response = await fetch(new URL(`/api/inbox${query}`, baseURL), { headers: reviewer });
      const body = await response.text();
      if (!response.ok) throw new Error(`GET /api/inbox${query}: HTTP ${response.status}`);
      return { body, items: (JSON.parse(body) as { items: unknown[] }).items };
    };
    for (let round = -5; round < options.lists; round++) {
      const record = round >= 0;
      const list = await timed(record ? times.list : undefined, () => call(client, "list_requests", { status: "pending" }));
      listed = (list.requests as unknown[]).length;
      await timed(record ? times.listNone : undefined, () => call(client, "list_requests", { status: "expired" }));
      const inbox = await timed(record ? times.inbox : undefined, () => getInbox(""));
      inboxItems = inbox.items.length;
      inboxBytes = inbox.body.length;
      await timed(record ? times.inboxNone : undefined, () => getInbox("?q=matches-no-request"));
    }
    if (inboxItems !== options.open) throw new Error(`the reviewer's inbox has ${inboxItems} requests, not ${options.open}`);
    log(`9b/9c lists took ${seconds(started)}`);
    const lists = summaryOf(times.list);
    const inbox = summaryOf(times.inbox);

    const note9a = `ask_human (wait: false) called by the SDK client → the request's event parsed from the reviewer's /api/inbox/stream, ${arrival.count} samples after ${options.warmup}`;
    return [
      figure({ name: "9a ask_human → open /inbox stream, p50", value: arrival.p50, unit: "ms", max: 50, note: note9a }),
      figure({ name: "9a ask_human → open /inbox stream, p95", value: arrival.p95, unit: "ms", note: note9a }),
      figure({ name: "9a ask_human → open /inbox stream, max", value: arrival.max, unit: "ms", note: note9a }),
      figure({
        name: "9b list_requests p95, 1,000 open requests",
        value: lists.p95,
        baseline: summaryOf(times.listNone).p95,
        unit: "ms",
        max: 100,
        note: `the agent's list_requests {status: pending} over MCP with ${options.open} pending, returning ${listed} (its page size); baseline: list_requests {status: expired}, none; p50 ${lists.p50.toFixed(1)} ms, max ${lists.max.toFixed(1)} ms, ${lists.count} samples`,
      }),
      figure({
        name: "9c reviewer's GET /api/inbox p95, 1,000 open requests",
        value: inbox.p95,
        baseline: summaryOf(times.inboxNone).p95,
        unit: "ms",
        max: 100,
        note: `${inboxItems} items, ${Math.round(inboxBytes / 1024)} KB of JSON, read and parsed; baseline: the same inbox filtered to none (?q=); p50 ${inbox.p50.toFixed(1)} ms, max ${inbox.max.toFixed(1)} ms, ${inbox.count} samples`,
      }),
    ];
  } catch (error) {
    console.error(people.app.output().slice(-4000));
    throw error;
  } finally {
    await client.close();
    await people.stop();
  }
}
