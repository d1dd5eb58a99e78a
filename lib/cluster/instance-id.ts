import "server-only";
import { hostname } from "node:os";

/** The header every response carries: which instance served it (behind a load balancer, for people and tests). */
export const INSTANCE_HEADER = "x-elicit-instance";

/** INSTANCE_ID when set (checked by lib/config.ts), else host:pid: unique per process, new at every start. */
export function instanceIdOf(env: Record<string, string | undefined> = process.env): string {
  return env.INSTANCE_ID?.trim() || `${hostname()}:${process.pid}`;
}
