"use client";

import { useAuiState, type DataMessagePartComponent } from "@assistant-ui/react";
import { useEffect, useId, useRef, useState } from "react";
import {
  elicitationDataSchema,
  elicitationOutcomeSchema,
  type ElicitationAction,
  type ElicitationData,
  type ElicitationStatus,
} from "@/lib/elicitation/contract";
import { useCountdown } from "./use-countdown";

const OUTCOME_TEXT: Record<Exclude<ElicitationStatus, "pending">, string> = {
  accepted: "Approved",
  declined: "Declined: it did not run",
  cancelled: "Cancelled: it did not run",
  expired: "Expired: nobody answered in time, so it did not run",
};

async function sendAnswer(id: string, action: ElicitationAction): Promise<{ status?: ElicitationStatus; error?: string }> {
  const body = action === "accept" ? { action, content: {} } : { action };
  const response = await fetch(`/api/elicitations/${encodeURIComponent(id)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (response.ok) return { status: elicitationOutcomeSchema.parse(json).status };
  const error = (json as { error?: { message?: string; details?: unknown } } | undefined)?.error;
  if (response.status === 409) {
    const recorded = elicitationOutcomeSchema.safeParse(error?.details);
    if (recorded.success) return { status: recorded.data.status };
  }
  if (response.status === 404) return { status: "expired", error: error?.message };
  return { error: error?.message ?? `The answer was not accepted (HTTP ${response.status}).` };
}

function PendingActions({ data, onAnswer, busy }: { data: ElicitationData; onAnswer: (a: ElicitationAction) => void; busy: boolean }) {
  const { label, over } = useCountdown(data.expiresAt);
  const fieldCount = Object.keys(data.requestedSchema.properties).length;
  const button = "h-10 rounded-lg px-4 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50";
  return (
    <>
      {fieldCount > 0 && (
        <p className="text-sm text-amber-900 dark:text-amber-200">
          This request asks for {fieldCount} field{fieldCount === 1 ? "" : "s"}, which this version cannot show yet.
          You can decline or cancel it.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" disabled={busy || fieldCount > 0} onClick={() => onAnswer("accept")} className={`${button} bg-amber-600 text-white hover:bg-amber-700 focus-visible:outline-amber-600`}>
          Accept
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer("decline")} className={`${button} border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 focus-visible:outline-zinc-500 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100`}>
          Decline
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer("cancel")} className={`${button} text-zinc-700 hover:underline focus-visible:outline-zinc-500 dark:text-zinc-300`}>
          Cancel
        </button>
        <span className="ml-auto text-xs text-amber-900/80 tabular-nums dark:text-amber-200/80" aria-live="off">
          {over ? "expiring…" : `expires in ${label}`}
        </span>
      </div>
    </>
  );
}

/** The approval card: who asks, why, exactly what will run, and the three answers. */
export const ElicitationCard: DataMessagePartComponent = ({ data: raw }) => {
  const parsed = elicitationDataSchema.safeParse(raw);
  const [local, setLocal] = useState<{ status?: ElicitationStatus; error?: string }>({});
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLElement>(null);
  const headingId = useId();
  const data = parsed.success ? parsed.data : undefined;
  // Stop or a lost connection ends the stream before the server's update arrives; the server cancelled the
  // request when the stream closed, so a pending card in a finished message is no longer answerable.
  const turnEnded = useAuiState((s) => s.message.status?.type !== "running");
  const status = data && data.status !== "pending" ? data.status : (local.status ?? (turnEnded ? "cancelled" : "pending"));

  // Focus the card itself, not a button: someone typing in the composer must not approve by pressing Enter.
  useEffect(() => {
    if (data?.status === "pending") ref.current?.focus();
  }, [data?.id, data?.status]);

  if (!data) {
    return <p className="rounded-xl border border-red-300 px-3 py-2 text-sm">An approval request arrived that this page could not read; it will expire and nothing will run.</p>;
  }

  const answer = async (action: ElicitationAction) => {
    setBusy(true);
    try {
      setLocal(await sendAnswer(data.id, action));
    } catch {
      setLocal({ error: "Could not reach the server; try again." });
    } finally {
      setBusy(false);
    }
  };

  const pending = status === "pending";
  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-testid="elicitation-card"
      data-status={status}
      data-elicitation-id={data.id}
      onKeyDown={(event) => {
        if (pending && !busy && event.key === "Escape") void answer("cancel");
      }}
      className={`card-arrive rounded-xl border-2 p-4 outline-none focus-visible:ring-4 ${
        pending
          ? "border-amber-500 bg-amber-50 ring-amber-300/60 dark:border-amber-500 dark:bg-amber-950/40 dark:ring-amber-700/50"
          : "border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60"
      }`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className={`text-sm font-semibold ${pending ? "text-amber-900 dark:text-amber-200" : ""}`}>
          {pending ? "Approval needed" : "Approval request"}
        </h3>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          asked by MCP server <strong className="font-mono">{data.serverName}</strong>
        </span>
      </div>
      {data.risk && <p className="mt-1 text-sm font-medium text-amber-900 dark:text-amber-200">This command {data.risk.replace(/:.*/, "")}.</p>}
      {data.command ? (
        <pre className="mt-3 overflow-x-auto rounded-lg bg-zinc-900 px-3 py-2 font-mono text-sm whitespace-pre-wrap break-all text-zinc-50" data-testid="elicitation-command">
          {data.command}
        </pre>
      ) : null}
      <p className="mt-3 text-sm whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">{data.message}</p>
      <div className="mt-4 flex flex-col gap-3">
        {pending ? (
          <PendingActions data={data} onAnswer={(action) => void answer(action)} busy={busy} />
        ) : (
          <p role="status" className={`text-sm font-semibold ${status === "accepted" ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-700 dark:text-zinc-300"}`}>
            {OUTCOME_TEXT[status]}
            {status === "cancelled" && data.status === "pending" && !local.status ? " (the chat turn ended)" : ""}
            {data.note && status === "cancelled" ? ` (${data.note})` : ""}
          </p>
        )}
        {local.error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{local.error}</p>}
      </div>
    </section>
  );
};
