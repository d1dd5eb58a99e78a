/**
 * A lean HTTP client over node:http with keep-alive, so what we time is the server, not a client library.
 * `postJson` waits for the whole response; `openUiStream` reads an AI SDK UI message stream (SSE) part by part
 * and stamps each part with the moment it was parsed.
 */
import http from "node:http";
import { elapsedMs, wallClockMs } from "./clock.ts";

export const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export interface JsonResponse {
  status: number;
  body: string;
  /** Milliseconds from writing the request to the first byte of the body, and to the end of the response. */
  firstByteMs: number;
  durationMs: number;
}

export function postJson(baseUrl: string, path: string, body: unknown): Promise<JsonResponse> {
  const payload = JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(path, baseUrl),
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (response) => {
        let text = "";
        let firstByteMs = 0;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          firstByteMs ||= elapsedMs(started);
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text, firstByteMs, durationMs: elapsedMs(started) }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

export interface UiPart {
  type: string;
  id?: string;
  data?: unknown;
  output?: unknown;
  [key: string]: unknown;
}

export interface UiStream {
  /** Every part so far, with the wall-clock time it was parsed. */
  parts: Array<{ part: UiPart; readAt: number }>;
  /** Milliseconds from writing the request to the first byte of the body. */
  firstByteMs: Promise<number>;
  /** Resolves with the total milliseconds when the stream ends. */
  finished: Promise<number>;
  /** Resolves with the first part that matches, as soon as it is parsed. */
  waitFor(match: (part: UiPart) => boolean): Promise<{ part: UiPart; readAt: number }>;
  /** Goes away as a closed tab does: the request is dropped, and `finished` settles either way. */
  abort(): void;
}

/** Posts a chat turn and reads its UI message stream. */
export function openUiStream(baseUrl: string, body: unknown): UiStream {
  const payload = JSON.stringify(body);
  const parts: UiStream["parts"] = [];
  const waiters: Array<{ match: (part: UiPart) => boolean; resolve: (entry: UiStream["parts"][number]) => void }> = [];
  let resolveFirstByte!: (ms: number) => void;
  const firstByteMs = new Promise<number>((resolve) => (resolveFirstByte = resolve));
  const started = performance.now();
  let sent: http.ClientRequest | undefined;

  const finished = new Promise<number>((resolve, reject) => {
    const request = (sent = http.request(
      new URL("/api/chat", baseUrl),
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (response) => {
        let buffer = "";
        let first = true;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (first) {
            first = false;
            resolveFirstByte(elapsedMs(started));
          }
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
            const part = JSON.parse(event.slice(6)) as UiPart;
            const entry = { part, readAt: wallClockMs() };
            parts.push(entry);
            for (let i = waiters.length - 1; i >= 0; i--) {
              if (waiters[i]!.match(part)) waiters.splice(i, 1)[0]!.resolve(entry);
            }
          }
        });
        response.on("end", () => {
          if (response.statusCode !== 200) reject(new Error(`chat answered ${response.statusCode}: ${buffer}`));
          else resolve(elapsedMs(started));
        });
        response.on("error", reject);
      },
    ));
    request.on("error", reject);
    request.end(payload);
  });

  return {
    parts,
    firstByteMs,
    finished,
    abort() {
      finished.catch(() => {});
      sent?.destroy();
    },
    waitFor(match) {
      const seen = parts.find((entry) => match(entry.part));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        // Rejecting after a match is a no-op; a waiter still open when the stream ends must not hang the bench.
        finished.then(() => reject(new Error("the stream ended before the expected part")), reject);
      });
    },
  };
}

/** A chat request body as the browser sends it. */
export function chatBody(threadId: string, messageId: string, text: string) {
  return { id: threadId, messages: [{ id: messageId, role: "user", parts: [{ type: "text", text }] }], trigger: "submit-message" };
}
