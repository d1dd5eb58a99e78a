/** HTTP load with autocannon, reduced to requests per second over the whole run. */
import autocannon from "autocannon";

export interface LoadResult {
  requests: number;
  perSecond: number;
  statuses: { ok: number; other: number; errors: number };
}

export async function postLoad(options: {
  baseUrl: string;
  /** Called for every request; returns its path. */
  nextPath: () => string;
  body: unknown;
  amount: number;
  connections: number;
}): Promise<LoadResult> {
  const result = await autocannon({
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
  });
  // autocannon rounds `duration` to 10 ms; start and finish are exact to the millisecond.
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / seconds,
    statuses: { ok: result["2xx"], other: result.non2xx, errors: result.errors + result.timeouts },
  };
}
