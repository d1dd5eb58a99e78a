"use client";

import { useAuiState, type DataMessagePartComponent } from "@assistant-ui/react";
import { useEffect, useId, useMemo, useRef, type FormEvent } from "react";
import { elicitationDataSchema, type ElicitationData, type ElicitationStatus } from "@/lib/elicitation/contract";
import { ElicitationForm } from "./elicitation-form";
import { UrlConsent } from "./url-consent";
import { useCountdown } from "./use-countdown";
import { useElicitationAnswer } from "./use-elicitation-answer";
import { useElicitationForm } from "./use-elicitation-form";

const OUTCOME_TEXT: Record<Exclude<ElicitationStatus, "pending">, string> = {
  accepted: "Approved",
  declined: "Declined: it did not run",
  cancelled: "Cancelled: it did not run",
  expired: "Expired: nobody answered in time, so it did not run",
};

const BUTTON = "h-10 rounded-lg px-4 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50";

function Countdown({ expiresAt }: { expiresAt: number }) {
  const { label, over } = useCountdown(expiresAt);
  return (
    <span className="ml-auto text-xs text-amber-900/80 tabular-nums dark:text-amber-200/80">
      {over ? "expiring…" : `expires in ${label}`}
    </span>
  );
}

type Answer = ReturnType<typeof useElicitationAnswer>;

/** The pending part of a card: the form (if the request has fields) and the three answers. */
function PendingAnswer({ data, answer }: { data: ElicitationData; answer: Answer }) {
  const form = useElicitationForm(data.requestedSchema);
  const errors = { ...form.errors, ...answer.fieldErrors };
  const accept = (event?: FormEvent) => {
    event?.preventDefault();
    form.markSubmitted();
    if (form.valid) void answer.send({ action: "accept", content: form.content });
  };
  return (
    <form onSubmit={accept} noValidate className="flex flex-col gap-3">
      {form.fields.length > 0 && (
        <ElicitationForm fields={form.fields} values={form.values} errors={errors} disabled={answer.busy} onChange={form.setValue} />
      )}
      {form.unsupported.length > 0 && (
        <p role="alert" className="text-sm text-red-800 dark:text-red-300">
          This request asks for {form.unsupported.join(", ")} in a form this chat cannot show, so it can only be declined or
          cancelled.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={answer.busy || !form.valid} className={`${BUTTON} bg-amber-600 text-white hover:bg-amber-700 focus-visible:outline-amber-600`}>
          Accept
        </button>
        <button type="button" disabled={answer.busy} onClick={() => void answer.send({ action: "decline" })}
          className={`${BUTTON} border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 focus-visible:outline-zinc-500 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100`}>
          Decline
        </button>
        <button type="button" disabled={answer.busy} onClick={() => void answer.send({ action: "cancel" })}
          className={`${BUTTON} text-zinc-700 hover:underline focus-visible:outline-zinc-500 dark:text-zinc-300`}>
          Cancel
        </button>
        <Countdown expiresAt={data.expiresAt} />
      </div>
    </form>
  );
}

function Outcome({ status, note, url }: { status: Exclude<ElicitationStatus, "pending">; note?: string; url: boolean }) {
  return (
    <p role="status" className={`text-sm font-semibold ${status === "accepted" ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-700 dark:text-zinc-300"}`}>
      {url && status === "accepted" ? "Opened in a new tab" : OUTCOME_TEXT[status]}
      {note && status === "cancelled" ? ` (${note})` : ""}
    </p>
  );
}

function Card({ data }: { data: ElicitationData }) {
  // After Stop or a lost connection the stream cannot bring the outcome; the card asks the server instead.
  const streamEnded = useAuiState((s) => s.message.status?.type !== "running");
  const answer = useElicitationAnswer(data.id, data.status === "pending", streamEnded);
  const ref = useRef<HTMLElement>(null);
  const headingId = useId();
  const status = data.status !== "pending" ? data.status : (answer.status ?? "pending");
  const note = data.note;
  const pending = status === "pending";

  // Focus the card itself, not a button: someone typing in the composer must not approve by pressing Enter.
  useEffect(() => {
    if (data.status === "pending") ref.current?.focus();
  }, [data.id, data.status]);

  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-testid="elicitation-card"
      data-status={status}
      data-elicitation-id={data.id}
      onKeyDown={(event) => {
        if (pending && event.key === "Escape") void answer.send({ action: "cancel" });
      }}
      className={`card-arrive rounded-xl border-2 p-4 outline-none focus-visible:ring-4 ${
        pending
          ? "border-amber-500 bg-amber-50 ring-amber-300/60 dark:border-amber-500 dark:bg-amber-950/40 dark:ring-amber-700/50"
          : "border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60"
      }`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className={`text-sm font-semibold ${pending ? "text-amber-900 dark:text-amber-200" : ""}`}>
          {data.mode === "url" ? (pending ? "Open a page?" : "Page request") : pending ? (data.command ? "Approval needed" : "Input needed") : data.command ? "Approval request" : "Input request"}
        </h3>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          asked by MCP server <strong className="font-mono">{data.serverName}</strong>
        </span>
      </div>
      {data.risk && <p className="mt-1 text-sm font-medium text-amber-900 dark:text-amber-200">This command {data.risk.replace(/:.*/, "")}.</p>}
      {data.command && (
        <pre className="mt-3 overflow-x-auto rounded-lg bg-zinc-900 px-3 py-2 font-mono text-sm whitespace-pre-wrap break-all text-zinc-50" data-testid="elicitation-command">
          {data.command}
        </pre>
      )}
      <p className="mt-3 text-sm whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">{data.message}</p>
      <div className="mt-4 flex flex-col gap-3">
        {!pending ? (
          <Outcome status={status} note={note} url={data.mode === "url"} />
        ) : data.mode === "url" && data.url ? (
          <UrlConsent url={data.url} busy={answer.busy} onAnswer={(action) => void answer.send({ action })} />
        ) : (
          <PendingAnswer data={data} answer={answer} />
        )}
        {answer.error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{answer.error}</p>}
      </div>
    </section>
  );
}

/** The approval card: who asks, why, exactly what will run or what is asked for, and the three answers. */
export const ElicitationCard: DataMessagePartComponent = ({ data: raw }) => {
  const parsed = useMemo(() => elicitationDataSchema.safeParse(raw), [raw]);
  if (!parsed.success) {
    return (
      <p className="rounded-xl border border-red-300 px-3 py-2 text-sm">
        A request arrived that this page could not read; it will expire and nothing it guards will run.
      </p>
    );
  }
  return <Card data={parsed.data} />;
};
