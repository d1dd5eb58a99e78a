/**
 * For the bench: how long a question takes to reach a reviewer's open inbox, read as a server-sent event. It
 * reads GET /api/inbox/stream as a browser's EventSource would, calls `ask` (the bench makes the app ask, e.g.
 * by a chat turn that runs `rm -rf`), and for the question that arrives measures `read time - data.createdAt`:
 * createdAt is the moment the server opened the question, on the same clock when both run on one machine (or,
 * with `from: "asked"`, from the moment `ask` was called).
 * Browser-safe (fetch and streams only), so it runs under plain tsx.
 */
import { inboxPaths } from "@/lib/review/contract";
import { inboxEventSchema, type InboxEvent } from "@/lib/review/inbox-contract";

export interface InboxLatencyOptions {
  baseURL: string;
  /** Whose inbox: a session cookie or `authorization: Bearer <key>`; none in single-user mode. */
  headers?: HeadersInit;
  samples: number;
  /** Makes the app ask one question; may resolve before or after it arrives. */
  ask: (sample: number) => Promise<unknown>;
  /** Per sample; default 10 s. */
  timeoutMs?: number;
  /**
   * Where a sample starts: "opened" (default) is the question's createdAt, the server's moment of opening it;
   * "asked" is this process's clock just before `ask` is called, so the asking itself counts (e.g. an MCP call).
   */
  from?: "opened" | "asked";
}

/** One latency (ms) per sample, in order. */
export async function measureInboxLatency(options: InboxLatencyOptions): Promise<number[]> {
  const abort = new AbortController();
  const response = await fetch(new URL(inboxPaths.stream, options.baseURL), { headers: options.headers, signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`GET ${inboxPaths.stream}: HTTP ${response.status}`);
  const events = readEvents(response.body);
  try {
    const first = await events.next();
    if (first.done || first.value.event.type !== "snapshot") throw new Error("the inbox stream did not start with a snapshot");
    const seen = new Set(first.value.event.items.map((item) => item.data.id));
    const latencies: number[] = [];
    for (let sample = 0; sample < options.samples; sample++) {
      const askedAt = Date.now();
      const asking = options.ask(sample);
      const arrival = await nextArrival(events, seen, options.timeoutMs ?? 10_000);
      latencies.push(arrival.readAt - (options.from === "asked" ? askedAt : arrival.createdAt));
      await asking;
    }
    return latencies;
  } finally {
    abort.abort();
  }
}

async function nextArrival(
  events: AsyncGenerator<{ event: InboxEvent; readAt: number }>,
  seen: Set<string>,
  timeoutMs: number,
): Promise<{ readAt: number; createdAt: number }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no question reached the inbox within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([events.next(), timeout]);
      if (next.done) throw new Error("the inbox stream ended");
      const { event, readAt } = next.value;
      if (event.type !== "upsert" || seen.has(event.item.data.id)) continue;
      seen.add(event.item.data.id);
      return { readAt, createdAt: event.item.data.createdAt };
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Each `data:` frame as it is read, with the time it was read. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: InboxEvent; readAt: number }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const readAt = Date.now();
    buffer += decoder.decode(value, { stream: true });
    const frames = buffer.split("\n\n");
    buffer = frames.pop() ?? "";
    for (const frame of frames) {
      if (frame.startsWith("data: ")) yield { event: inboxEventSchema.parse(JSON.parse(frame.slice(6))), readAt };
    }
  }
}
