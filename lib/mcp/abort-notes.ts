/**
 * Why a pending card was cancelled, in the words the card shows ("Cancelled: it did not run (…)"). A run's signal
 * aborts with the reason lib/chat/turns.ts gives; an MCP request's signal aborts when the server cancels the
 * request or the connection closes (the MCP client aborts every open request with "Connection closed").
 */

import "server-only";
const TURN_NOTES: Record<string, string> = {
  "stopped by the person": "the turn was stopped",
  "nobody is watching this turn": "the chat request was closed",
  "the turn ended": "the turn ended before an answer",
};

function messageOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : "";
}

export function turnEndNote(reason: unknown): string {
  const message = messageOf(reason);
  return TURN_NOTES[message] ?? (message ? `the turn ended: ${message}` : "the chat request was closed");
}

export function serverAbortNote(reason: unknown): string {
  const message = messageOf(reason);
  const code = reason && typeof reason === "object" && "code" in reason ? reason.code : undefined;
  if (code === "CONNECTION_CLOSED" || /connection closed/i.test(message)) {
    return "the MCP server closed the connection (it stopped or crashed)";
  }
  // A cancellation the server sent: its reason is its own text, shown as such.
  return message && !/aborted/i.test(message) ? `the MCP server withdrew the question: ${message}` : "the MCP server withdrew the question";
}
