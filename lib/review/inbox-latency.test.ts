import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { afterEach, expect, it } from "vitest";
import { LOCAL_PRINCIPAL } from "@/lib/auth/principal";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { inboxEventStream, SSE_HEADERS } from "./inbox-stream";
import { measureInboxLatency } from "./inbox-latency";
import { ReviewDesk } from "./review-desk";
import { NO_ROUTING } from "./routing-file";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server of the inbox stream for `desk`, as /api/inbox/stream serves it; its base URL. */
async function serveInbox(desk: ReviewDesk): Promise<string> {
  server = createServer((request, response) => {
    const abort = new AbortController();
    request.on("close", () => abort.abort());
    response.writeHead(200, SSE_HEADERS);
    Readable.fromWeb(inboxEventStream(desk, LOCAL_PRINCIPAL, abort.signal) as NodeReadableStream).pipe(response);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}

function openQuestion(registry: ElicitationRegistry): string {
  const { data } = registry.open({
    threadId: "t",
    serverName: "shell",
    message: "Run it?",
    requestedSchema: { type: "object", properties: {} },
    timeoutMs: 60_000,
    onChange: () => {},
  });
  return data.id;
}

it("measures from the server's ask to the reader's read, one sample per question", async () => {
  const registry = new ElicitationRegistry();
  const desk = new ReviewDesk({ registry, rules: { current: () => NO_ROUTING } });
  const baseURL = await serveInbox(desk);

  const asked: string[] = [];
  const latencies = await measureInboxLatency({
    baseURL,
    samples: 3,
    ask: async () => {
      asked.push(openQuestion(registry));
    },
  });
  expect(latencies).toHaveLength(3);
  for (const ms of latencies) expect(ms).toBeGreaterThanOrEqual(0);
  expect(asked).toHaveLength(3);
  for (const id of asked) registry.answer(id, { action: "cancel" });
  desk.close();
});

it("measures from the call of ask, when told to: the time asking takes counts", async () => {
  const registry = new ElicitationRegistry();
  const desk = new ReviewDesk({ registry, rules: { current: () => NO_ROUTING } });
  const baseURL = await serveInbox(desk);
  const asked: string[] = [];
  // Asking takes 40 ms before the server opens the question (an HTTP call would).
  const slowAsk = async () => {
    await new Promise((resolve) => setTimeout(resolve, 40));
    asked.push(openQuestion(registry));
  };
  const latencies = await measureInboxLatency({ baseURL, samples: 2, ask: slowAsk, from: "asked" });
  expect(latencies).toHaveLength(2);
  for (const ms of latencies) expect(ms).toBeGreaterThanOrEqual(39);
  for (const id of asked) registry.answer(id, { action: "cancel" });
  desk.close();
});
