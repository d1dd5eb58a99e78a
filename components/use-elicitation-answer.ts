"use client";

import { useEffect, useState } from "react";
import {
  elicitationOutcomeSchema,
  elicitationStateSchema,
  type ElicitationAnswer,
  type ElicitationStatus,
} from "@/lib/elicitation/contract";
import { apiErrorOf, apiPaths } from "@/lib/api-contract";

/** Fired on the window when an answer went through (detail: the question's id). */
export const ANSWERED_EVENT = "elicit-chat:answered";

export interface AnswerState {
  /** The outcome this tab learned from its own POST (the stream's update may come a moment later, or never). */
  status?: ElicitationStatus;
  error?: string;
  /** Per-field messages from a 422. */
  fieldErrors?: Record<string, string>;
}

async function post(id: string, answer: ElicitationAnswer): Promise<AnswerState> {
  const response = await fetch(apiPaths.elicitation(id), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(answer),
  });
  const json: unknown = await response.json().catch(() => undefined);
  // 202: an approval recorded under four eyes; the card stays pending until the others approve.
  if (response.status === 202) return {};
  if (response.ok) {
    // A durable question's answer resumes its turn on the server: the chat reattaches if it is not following one.
    window.dispatchEvent(new CustomEvent(ANSWERED_EVENT, { detail: id }));
    return { status: elicitationOutcomeSchema.parse(json).status };
  }
  const error = apiErrorOf(json);
  if (response.status === 409) {
    // Someone (another tab) answered first: show what they chose.
    const recorded = elicitationOutcomeSchema.safeParse(error?.details);
    if (recorded.success) return { status: recorded.data.status };
  }
  if (response.status === 404) return { status: "expired", error: error?.message };
  if (response.status === 422 && Array.isArray(error?.details)) {
    const fieldErrors = Object.fromEntries((error.details as Array<{ field: string; message: string }>).map((d) => [d.field, d.message]));
    return { error: error.message, fieldErrors };
  }
  return { error: error?.message ?? `The answer was not accepted (HTTP ${response.status}).` };
}

const FOLLOW_MS = 2_000;

/**
 * Sends one answer for a pending elicitation and keeps what the server said. While the request is pending it
 * also asks the server now and then: another tab may answer first, and a stream cut short (Stop, reload) never
 * delivers the update. `streamEnded` asks at once, since then no update can come by the stream.
 */
export function useElicitationAnswer(id: string, pending: boolean, streamEnded: boolean) {
  const [state, setState] = useState<AnswerState>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!pending || state.status) return;
    const check = async () => {
      const response = await fetch(apiPaths.elicitation(id)).catch(() => undefined);
      if (response?.status === 404) return setState((old) => (old.status ? old : { status: "expired" }));
      const parsed = elicitationStateSchema.safeParse(await response?.json().catch(() => undefined));
      if (parsed.success && "settled" in parsed.data) {
        const { status } = parsed.data.settled;
        setState((old) => (old.status ? old : { status }));
      }
    };
    if (streamEnded) void check();
    const timer = setInterval(check, FOLLOW_MS);
    return () => clearInterval(timer);
  }, [id, pending, streamEnded, state.status]);
  const send = async (answer: ElicitationAnswer) => {
    if (busy) return;
    setBusy(true);
    try {
      setState(await post(id, answer));
    } catch {
      setState({ error: "Could not reach the server; try again." });
    } finally {
      setBusy(false);
    }
  };
  return { ...state, busy, send };
}
