/**
 * One clock for every process of a run. performance.timeOrigin is the wall-clock time at which this process's
 * monotonic clock started, so timeOrigin + now() gives comparable milliseconds in the bench, the app server and
 * the MCP server child (all on one machine), with sub-millisecond resolution.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Milliseconds since `start` on this process's monotonic clock. */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}
