/**
 * What an answer means: what is sent back (to the MCP server, or to the tool-call gate) and what the card records
 * as approved. Kept apart from the registry so each can be read on its own.
 */
import { APPROVAL_COMMAND_FIELD, APPROVAL_REMEMBER_FIELD } from "@/mcp-server/contract";
import type { Approved, ElicitationAction, ElicitationAnswer, ElicitationContent, ElicitationData } from "@/lib/elicitation/contract";

/** What the MCP client sends back to the server (or the gate gets): the tool-call fields only for tool-call cards. */
export interface Settlement {
  action: ElicitationAction;
  content?: ElicitationContent;
  arguments?: Record<string, unknown>;
  remember?: boolean;
  /** A decline's reason, when the person gave one. */
  reason?: string;
}

/** A question's accept carries form content; a tool-call card's, the arguments to call with (as shown if omitted). */
export function settlementOf(data: ElicitationData, answer: ElicitationAnswer): Settlement {
  if (answer.action === "decline") return { action: "decline", ...(answer.reason && { reason: answer.reason }) };
  if (answer.action !== "accept") return { action: answer.action };
  if (data.toolCall)
    return { action: "accept", arguments: answer.arguments ?? data.toolCall.arguments, remember: answer.remember === true };
  return { action: "accept", content: answer.content ?? {} };
}

/** What the card shows after an accept: for a command or a tool call, what was approved and whether it was edited. */
export function approvedOf(data: ElicitationData, settlement: Settlement): Approved | undefined {
  if (settlement.action !== "accept") return undefined;
  if (data.toolCall && settlement.arguments) {
    const edited = !sameJson(settlement.arguments, data.toolCall.arguments);
    return { arguments: settlement.arguments, edited, remember: settlement.remember };
  }
  if (data.command === undefined) return undefined;
  const sent = settlement.content?.[APPROVAL_COMMAND_FIELD];
  const command = typeof sent === "string" && sent.trim() ? sent : data.command;
  return { command, edited: command !== data.command };
}

/**
 * A question routed for review is approved for this one call: "always allow" (a tool-call card's remember, the
 * shell server's remember field) would let later calls skip the reviewers, so a routed card does not offer it.
 */
export function withoutRemember(data: ElicitationData): ElicitationData {
  const { [APPROVAL_REMEMBER_FIELD]: _remember, ...properties } = data.requestedSchema.properties;
  const required = data.requestedSchema.required?.filter((name) => name !== APPROVAL_REMEMBER_FIELD);
  return {
    ...data,
    requestedSchema: { ...data.requestedSchema, properties, ...(required && { required }) },
    ...(data.toolCall && { toolCall: { ...data.toolCall, rememberable: false } }),
  };
}

/** Whether an accept asks to remember: the tool-call flag, or the shell server's field set to anything but once. */
export function asksToRemember(answer: { remember?: boolean; content?: Record<string, unknown> }): boolean {
  const field = answer.content?.[APPROVAL_REMEMBER_FIELD];
  return answer.remember === true || (field !== undefined && field !== "once");
}

/** Equal as JSON values, whatever the key order: an argument edit that only reorders keys is no edit. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON text with every object's keys sorted: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? "null";
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
