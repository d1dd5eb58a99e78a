/**
 * Approval on the 2026-07-28 protocol: the call that needs it ENDS with `input_required` (the approval form plus
 * a signed `requestState`), and the client retries the same call with the person's answer whenever they give it,
 * perhaps days later and after both processes restarted. See approvals/request-state.ts for what the state
 * carries and how a retry is checked.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  inputResponse,
  type CallToolResult,
  type ClientCapabilities,
  type InputRequiredResult,
  type McpServer,
} from "@modelcontextprotocol/server";
import { approvalFormSchema } from "../approvals/approval-form.ts";
import { REFUSAL_SUMMARY, type CallIdentity } from "../approvals/request-state.ts";
import { COMMAND_META_KEY, CONVERSATION_META_KEY, CORRELATION_META_KEY, RISK_META_KEY } from "../contract.ts";
import type { Turn } from "./run-command-tool.ts";

/** The key of the approval form among a retry's `inputResponses`. */
export const APPROVAL_INPUT_KEY = "approval";
const FIRST_MODERN_REVISION = "2026-07-28";

/** A person's answer to the approval form, as either era delivers it. */
export interface Answer {
  action: "accept" | "decline" | "cancel";
  content?: Record<string, unknown>;
}

type Settle = (turn: Turn, answer: Answer, risk: string | undefined, prefix: string | undefined) => Promise<CallToolResult>;

/**
 * Whether this connection speaks 2026-07-28 or later. The era is the connection's, fixed when it opened
 * (`server/discover` vs `initialize`); a request's `_meta` cannot choose it, since a legacy client could put the
 * protocol-version key there too. Revisions are dates, so they compare as strings.
 */
export function isModernRequest(server: McpServer): boolean {
  const version = server.server.getNegotiatedProtocolVersion();
  return version !== undefined && version >= FIRST_MODERN_REVISION;
}

/** What a client needs to render the question without parsing prose, and to route it (the correlation id). */
export function approvalMeta(turn: Turn, risk: string): Record<string, unknown> {
  const correlation = turn.ctx.mcpReq._meta?.[CORRELATION_META_KEY];
  return {
    [COMMAND_META_KEY]: turn.proposed,
    [RISK_META_KEY]: risk,
    ...(correlation !== undefined && { [CORRELATION_META_KEY]: correlation }),
  };
}

function callIdentity(turn: Turn): CallIdentity {
  const conversation = turn.ctx.mcpReq._meta?.[CONVERSATION_META_KEY];
  return { command: turn.proposed, timeoutMs: turn.timeoutMs, conversation: typeof conversation === "string" ? conversation : null };
}

/** Ends the call with the approval form and a signed state for the retry; or "unavailable" if the client cannot ask. */
export async function requestApproval(turn: Turn, risk: string, prefix: string | undefined): Promise<CallToolResult | InputRequiredResult> {
  const envelope = turn.ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  if (!capabilities?.elicitation) {
    const why = `Not run: this command needs approval (${risk}) and the client cannot ask a person.`;
    return turn.notRun(turn.proposed, false, "unavailable", risk, why);
  }
  const requestState = await turn.deps.approvals.mint(callIdentity(turn), prefix);
  return inputRequired({
    inputRequests: {
      [APPROVAL_INPUT_KEY]: inputRequired.elicit({
        message: `Run \`${turn.proposed}\`? It ${risk}.`,
        requestedSchema: approvalFormSchema(turn.proposed, prefix),
        _meta: approvalMeta(turn, risk),
      }),
    },
    requestState,
  });
}

/**
 * A retry with the person's answer. The state must verify, be unexpired, be for these arguments in this
 * conversation, and be unused (it is used up here, durably, before anything runs). Then the command is
 * classified again, as the workspace or the policy may have changed since the question: a deny rule wins
 * over the answer. Only then is the answer read.
 */
export async function resumeApproval(turn: Turn, settle: Settle): Promise<CallToolResult> {
  const { proposed, ctx, deps } = turn;
  const redeemed = await deps.approvals.redeem(ctx.mcpReq.requestState(), callIdentity(turn));
  if (!redeemed.ok) {
    deps.log(`approval retry refused (${redeemed.refusal}) for ${JSON.stringify(proposed)}`);
    return turn.notRun(proposed, false, "cancelled", undefined, REFUSAL_SUMMARY[redeemed.refusal]);
  }
  const verdict = turn.classify(redeemed.state.command);
  if (verdict.decision === "deny") return turn.notRun(proposed, false, "denied", verdict.reason, `Not run: ${verdict.reason}.`);
  // A command that no longer needs approval still waits for the answer: the person was asked, so they decide.
  const risk = verdict.decision === "ask" ? verdict.reason : undefined;
  const response = inputResponse(ctx.mcpReq.inputResponses, APPROVAL_INPUT_KEY);
  const answer: Answer = response.kind === "elicit" ? { action: response.action, content: response.content } : { action: "cancel" };
  return settle(turn, answer, risk, redeemed.state.prefix ?? undefined);
}
