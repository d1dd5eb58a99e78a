/**
 * GET /api/inbox/stream as server-sent events: the viewer's inbox at once, then every change to it as it happens
 * (a question arrives, is approved in part, escalates, settles). A comment line every HEARTBEAT_MS keeps proxies
 * from closing a quiet stream; the request's signal (the tab went away) or the client cancelling ends it, and with
 * it the subscription: nothing is left behind per connection.
 */
import "server-only";
import type { Principal } from "@/lib/auth/principal";
import type { InboxEvent } from "./inbox-contract";
import type { ReviewDesk } from "./review-desk";

export const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();
const frame = (event: InboxEvent) => encoder.encode(`data: ${JSON.stringify(event)}\n\n`);

export function inboxEventStream(desk: ReviewDesk, principal: Principal, signal: AbortSignal, heartbeatMs = HEARTBEAT_MS) {
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const shown = new Set<string>();
      const send = (event: InboxEvent) => {
        try {
          controller.enqueue(frame(event));
        } catch {
          stop();
        }
      };
      const items = desk.inbox(principal);
      items.forEach((item) => shown.add(item.data.id));
      send({ type: "snapshot", items });
      const unsubscribe = desk.onChange((change) => {
        const item = desk.inboxItem(principal, change);
        if (item) {
          shown.add(item.data.id);
          send({ type: "upsert", item });
        } else if (shown.delete(change.data.id)) {
          // Only a viewer who saw it hears how it ended.
          send({ type: "remove", id: change.data.id, data: change.data });
        }
      });
      const heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(": heartbeat\n\n"));
        } catch {
          stop();
        }
      }, heartbeatMs);
      heartbeat.unref?.();
      stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        signal.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        stop();
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    cancel() {
      stop();
    },
  });
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;
