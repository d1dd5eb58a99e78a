import "server-only";
import { RUN_COMMAND_TOOL } from "@/mcp-server/contract";
import type { StoredQuestion } from "@/lib/db/question-store";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { LOCAL_USER_ID, type SettleCause } from "@/lib/elicitation/registry";
import { BUNDLED_SERVER_NAME } from "@/lib/mcp/tool-names";
import type { AuditedEvent, AuditInput } from "./audit-input";
import { SYSTEM_ACTOR, type AuditEntryType } from "./contract";
import type { Redaction } from "./redact";

/** The entry type of each way a question settles when nobody answered it. */
const TYPE_BY_CAUSE: Record<Exclude<SettleCause, "answered">, AuditEntryType> = {
  timeout: "expired",
  aborted: "aborted",
  "rate-limited": "rate-limited",
};

/** What one registry event adds to the trail: asked; answered (who, action, content) or how it ended; reported. */
export function entriesOfEvent(event: AuditedEvent, redaction: Redaction): AuditInput[] {
  const { data, requesterId } = event;
  const about = aboutQuestion(data);
  if (event.type === "asked") {
    const details = { ...askedDetails(data, requesterId, redaction), apiKey: event.apiKey };
    return [{ ...about, type: "asked", actor: requesterId, outcome: data.status, details }];
  }
  if (event.type === "reported") {
    const called = data.result?.called === true;
    const details = { summary: data.result?.summary, toolCallId: data.toolCall?.toolCallId };
    return [{ ...about, type: called ? "ran" : "not-run", actor: SYSTEM_ACTOR, outcome: called ? "called" : "not called", details }];
  }
  if (event.type !== "settled") return []; // Other changes of a pending card are recorded by whoever makes them.
  const settled: AuditInput =
    event.cause === "answered"
      ? {
          ...about,
          type: "answered",
          // The answer route names the person (`by`); without one the app is in single-user mode, whose one person is `local`.
          actor: event.by ?? LOCAL_USER_ID,
          outcome: data.status,
          details: answeredDetails(event, redaction),
        }
      : { ...about, type: TYPE_BY_CAUSE[event.cause], actor: SYSTEM_ACTOR, outcome: data.status, details: { note: data.note } };
  // The approval gate calls nothing without a yes: that is the effect, known at once.
  if (data.kind !== "tool-call" || data.status === "accepted") return [settled];
  return [
    settled,
    { ...about, type: "not-run", actor: SYSTEM_ACTOR, outcome: data.status, details: { summary: "the gate called nothing" } },
  ];
}

/** A question that was waiting when the server stopped, expired by the restart. */
export function restartExpiryEntry({ data }: StoredQuestion, note: string): AuditInput {
  return { ...aboutQuestion(data), type: "expired", actor: SYSTEM_ACTOR, outcome: "expired", details: { note } };
}

function aboutQuestion(data: ElicitationData): Pick<AuditInput, "questionId" | "conversationId" | "serverName" | "toolName"> {
  return { questionId: data.id, conversationId: data.threadId, serverName: data.serverName, toolName: toolNameOf(data) };
}

/** The tool a question guards: the gate's card says; the bundled server asks only for run_command. */
export function toolNameOf(data: ElicitationData): string | null {
  if (data.toolCall) return data.toolCall.toolName;
  return data.serverName === BUNDLED_SERVER_NAME && data.command !== undefined ? RUN_COMMAND_TOOL : null;
}

function askedDetails(data: ElicitationData, requesterId: string, redaction: Redaction): Record<string, unknown> {
  const { toolCall } = data;
  return {
    kind: data.kind,
    requester: requesterId,
    message: data.message,
    requestedSchema: data.requestedSchema,
    command: data.command,
    risk: data.risk,
    mode: data.mode,
    url: data.url,
    expiresAt: data.expiresAt,
    // Asked through /api/mcp: the expertise, and for a review exactly what was submitted (what a verdict was about).
    specialty: data.specialty,
    submission: data.submission,
    toolCall: toolCall && {
      toolName: toolCall.toolName,
      reason: toolCall.reason,
      annotations: toolCall.annotations,
      arguments: redaction.apply(toolCall.arguments, toolCall.inputSchema),
      toolCallId: toolCall.toolCallId,
    },
  };
}

function answeredDetails(event: Extract<AuditedEvent, { type: "settled" }>, redaction: Redaction): Record<string, unknown> {
  const { data } = event;
  const approved = data.approved && {
    ...data.approved,
    arguments: data.approved.arguments && redaction.apply(data.approved.arguments, data.toolCall?.inputSchema),
  };
  return {
    action: actionOf(data.status),
    answeredBy: data.answeredBy,
    content: event.content && redaction.apply(event.content, data.requestedSchema),
    approved,
    note: data.note,
  };
}

function actionOf(status: ElicitationData["status"]): string {
  return status === "accepted" ? "accept" : status === "declined" ? "decline" : "cancel";
}
