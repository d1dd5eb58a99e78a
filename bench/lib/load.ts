/**
 * HTTP load with autocannon, reduced to requests per second. autocannon reports its run only on its next
 * sampling tick (every second), so its own duration is rounded up to whole seconds; for a 1,000-request run
 * that would halve the rate. The rate here is timed by this process instead: from starting the run to the
 * last response, counted on autocannon's per-response events.
 */
import autocannon from "autocannon";
import { elapsedMs } from "./clock.ts";

export interface LoadResult {
  requests: number;
  perSecond: number;
  statuses: { ok: number; other: number; errors: number };
}

export function postLoad(options: {
  baseUrl: string;
  /** Called for every request; returns its path. */
  nextPath: () => string;
  body: unknown;
  amount: number;
  connections: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let responses = 0;
    let lastResponseMs = 0;
    const started = performance.now();
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        amount: options.amount,
        requests: [
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(options.body),
            setupRequest: (request) => ({ ...request, path: options.nextPath() }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requests: responses,
          perSecond: responses / (lastResponseMs / 1000),
          statuses: { ok: result["2xx"], other: result.non2xx, errors: result.errors + result.timeouts },
        });
      },
    );
    instance.on("response", () => {
      responses += 1;
      lastResponseMs = elapsedMs(started);
    });
  });
}
