/**
 * A local webhook receiver for tests and e2e: listens on 127.0.0.1 on a free port, records every request, can be
 * told to fail the first N or to never answer, and checks signatures the way a receiver is told to in
 * lib/notify/signature.ts (written again here with node:crypto, so a mistake there cannot hide in both).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Undefined when no secret was given to the receiver. */
  signatureValid?: boolean;
  /** What the receiver answered (0: it never did). */
  answeredWith: number;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port>/hook */
  url: string;
  requests: ReceivedRequest[];
  /** Answer the next `count` requests with `status` (500 by default), then 200 again. */
  failNext(count: number, status?: number): void;
  /** Never answer from now on (the caller's timeout must cut it off). */
  hang(): void;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { secret?: string; toleranceSeconds?: number } = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let failures = { count: 0, status: 500 };
  let hangAll = false;
  let waiters: Array<{ count: number; resolve: (requests: ReceivedRequest[]) => void }> = [];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const record: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
        signatureValid:
          options.secret === undefined ? undefined : signatureValid(options.secret, request.headers, body, options.toleranceSeconds),
        answeredWith: 0,
      };
      requests.push(record);
      waiters = waiters.filter((waiter) => (requests.length >= waiter.count ? (waiter.resolve([...requests]), false) : true));
      if (hangAll) return void hanging.add(response);
      record.answeredWith = failures.count > 0 ? failures.status : 200;
      if (failures.count > 0) failures = { ...failures, count: failures.count - 1 };
      response.writeHead(record.answeredWith, { "content-type": "text/plain" }).end(record.answeredWith === 200 ? "ok" : "failed");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    failNext: (count, status = 500) => void (failures = { count, status }),
    hang: () => void (hangAll = true),
    received: (count) =>
      requests.length >= count ? Promise.resolve([...requests]) : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A receiver's check: a recent timestamp, and `sha256=` HMAC-SHA256(secret, `${timestamp}.${rawBody}`) in hex. */
function signatureValid(secret: string, headers: IncomingHttpHeaders, body: string, toleranceSeconds = 300): boolean {
  const timestamp = headers["x-elicit-timestamp"];
  const signature = headers["x-elicit-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string" || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
