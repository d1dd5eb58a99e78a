import "server-only";
import { DEFAULT_DEADLINE_MS, MAX_DEADLINE_MS, MIN_DEADLINE_MS } from "./contract";
import { InvalidAskError } from "./answer-format";

/**
 * When an ask_human question stops waiting, in epoch ms: an ISO 8601 time, or seconds from now; an hour by default.
 * Throws (a tool error) for a time that does not parse, has passed, or lies further out than MAX_DEADLINE_MS.
 */
export function deadlineOf(deadline: string | number | undefined, now: number): number {
  if (deadline === undefined) return now + DEFAULT_DEADLINE_MS;
  const at = typeof deadline === "number" ? now + deadline * 1000 : Date.parse(deadline);
  if (Number.isNaN(at)) throw new InvalidAskError(`deadline: "${String(deadline)}" is neither an ISO 8601 time nor a number of seconds.`);
  if (at - now < MIN_DEADLINE_MS) throw new InvalidAskError("deadline: it has passed, or is less than a second away.");
  if (at - now > MAX_DEADLINE_MS) throw new InvalidAskError("deadline: at most 7 days from now.");
  return at;
}
