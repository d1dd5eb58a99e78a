/**
 * The line a settled card ends with: what happened, and above all what did not. An accept alone does not mean the
 * thing ran (the turn may have been stopped first, a deny rule may have refused the edited command), so an accepted
 * card reads the result when there is one, and says so when the turn ended without one.
 */
import type { Approved, CallResult, ElicitationStatus } from "@/lib/elicitation/contract";

export interface OutcomeFacts {
  status: Exclude<ElicitationStatus, "pending">;
  note?: string;
  mode: "form" | "url";
  kind: "question" | "tool-call";
  /** Set for a shell command's approval card. */
  command?: string;
  approved?: Approved;
  /** A tool-call card's result, as the gate reported it. */
  callResult?: CallResult;
  /** A command card's result, from its run_command tool part: what actually ran, if anything. */
  commandResult?: { ran: boolean; summary: string };
  /** The turn is over: a result that has not come yet will not come. */
  turnEnded: boolean;
}

/** ran / not-run: known; unknown: accepted, and the turn ended before anything said whether it ran. */
export type OutcomeState = "declined" | "cancelled" | "expired" | "approved" | "ran" | "not-run" | "unknown";

export interface OutcomeView {
  state: OutcomeState;
  text: string;
}

const NOT_ACCEPTED: Record<"declined" | "cancelled" | "expired", string> = {
  declined: "Declined: it did not run",
  cancelled: "Cancelled: it did not run",
  expired: "Expired: nobody answered in time, so it did not run",
};

/** The note the registry gives a question nobody answered in time. */
const TIMEOUT_NOTE = "nobody answered in time";

/** "Not run: the person declined." → "the person declined" */
function reason(summary: string): string {
  return summary.replace(/^not run:\s*/i, "").replace(/\.$/, "");
}

export function describeOutcome(facts: OutcomeFacts): OutcomeView {
  const { status } = facts;
  // A restart's expiry says itself why nothing ran ("the server restarted; nothing ran"); a timeout's is the default.
  if (status === "expired" && facts.note && facts.note !== TIMEOUT_NOTE) return { state: status, text: `Expired: ${facts.note}` };
  if (status !== "accepted") {
    const note = status === "cancelled" && facts.note ? ` (${facts.note})` : "";
    return { state: status, text: `${NOT_ACCEPTED[status]}${note}` };
  }
  if (facts.mode === "url") return { state: "approved", text: "Opened in a new tab" };
  const approvedAs = facts.approved?.edited ? "Approved as edited" : "Approved";
  const result =
    facts.kind === "tool-call"
      ? facts.callResult && { ran: facts.callResult.called, summary: facts.callResult.summary }
      : facts.commandResult;
  if (facts.kind !== "tool-call" && facts.command === undefined) return { state: "approved", text: "Approved" };
  if (result && !result.ran) return { state: "not-run", text: `Accepted, but not run: ${reason(result.summary)}` };
  if (result) return { state: "ran", text: facts.kind === "tool-call" ? `${approvedAs}: ${result.summary}` : `${approvedAs}: it ran` };
  if (facts.turnEnded) {
    const what = facts.kind === "tool-call" ? "the call" : "the command";
    return { state: "unknown", text: `Accepted, but the turn was stopped before ${what} reported a result` };
  }
  return { state: "approved", text: approvedAs };
}
