/**
 * How a request settled, as the agent gets it: a person's answer (or a review's verdict) with who gave it, or how it
 * ended without one. Never a guessed answer: what is not known is said to be lost.
 */
import "server-only";
import type { ElicitationData, ElicitationOutcome } from "@/lib/elicitation/contract";
import type { Settlement } from "@/lib/elicitation/registry";
import { answerOf, reviewedOf } from "./answer-format";
import type { HumanRequest, HumanRequestSettlement } from "./contract";
import { unifiedDiff } from "./diff";

/** A request stored as pending whose question nobody holds any more (the server restarted before an answer). */
export const LOST_NOTE = "the server restarted before anyone answered";

export type RolesOf = (names: string[]) => Promise<(string | undefined)[]>;

/** `data`: the card as it settled (who answered, the note); `rolesOf`: each person's role by name. */
export async function settledAs(
  request: HumanRequest,
  settlement: Settlement,
  data: ElicitationData | undefined,
  rolesOf: RolesOf,
): Promise<HumanRequestSettlement> {
  const answeredAt = Date.now();
  const answeredBy = data?.answeredBy ? await personOf(data.answeredBy, rolesOf) : undefined;
  const by = answeredBy && { answeredBy };
  const { submission } = request;
  if (settlement.action === "accept") {
    const content = settlement.content ?? {};
    if (!submission) return { status: "answered", ...answerOf(request.answerFormat, content), ...by, answeredAt };
    const reviewed = reviewedOf(submission, content);
    const diff = reviewed.verdict === "edited" ? { diff: unifiedDiff(submission.content, reviewed.answer) } : undefined;
    return { status: "answered", ...reviewed, ...diff, ...by, answeredAt };
  }
  if (settlement.action === "decline") {
    const reasons = settlement.reason && { reasons: settlement.reason };
    return { status: "declined", ...(submission && { verdict: "rejected" }), ...reasons, ...by, answeredAt };
  }
  const status = data?.status === "expired" ? "expired" : "cancelled";
  // A reviewer's Cancel: dismissed without an answer, by them (not withdrawn by the agent).
  const note = data?.note ?? (data?.answeredBy && `${data.answeredBy} dismissed it without an answer`);
  return { status, ...(note && { note }) };
}

/** "bob" → bob's role; "bob and carol" (four eyes) → each one's role, once each. */
async function personOf(name: string, rolesOf: RolesOf): Promise<{ name: string; role: string }> {
  const names = name.split(/, | and /);
  const roles = await rolesOf(names).catch(() => names.map(() => undefined));
  const known = [...new Set(roles.filter((role): role is string => role !== undefined))];
  return { name, role: known.join(", ") || "unknown" };
}

/** A pending request no question holds any more: how its question ended, if known, else lost with a restart. */
export function lostSettlement(outcome: ElicitationOutcome | undefined): HumanRequestSettlement {
  if (outcome?.status === "expired" || outcome?.status === "cancelled") {
    return { status: outcome.status, ...(outcome.note && { note: outcome.note }) };
  }
  // Answered where its content was not kept (its instance stopped first): said so, never guessed.
  if (outcome) return { status: "expired", note: `it was ${outcome.status} but the answer was lost with its server; ask again` };
  return { status: "expired", note: LOST_NOTE };
}
