"use client";

import { useAuiState, type DataMessagePartComponent } from "@assistant-ui/react";
import { useEffect, useId, useMemo, useRef, type FormEvent } from "react";
import { elicitationDataSchema, type ElicitationData, type ElicitationStatus } from "@/lib/elicitation/contract";
import { describeOutcome } from "@/lib/elicitation/outcome";
import type { ReviewState } from "@/lib/review/contract";
import { AnswerButtons } from "./answer-buttons";
import { ElicitationForm } from "./elicitation-form";
import { SubmissionReview, SubmittedContent } from "./submission-review";
import { ToolCallApproval } from "./tool-call-approval";
import { ToolCallDetails, ToolCallSettled } from "./tool-call-details";
import { UrlConsent } from "./url-consent";
import { useCallOutcome } from "./use-call-outcome";
import { useCountdown } from "./use-countdown";
import { useElicitationAnswer } from "./use-elicitation-answer";
import { useElicitationForm } from "./use-elicitation-form";

function Countdown({ expiresAt, durable }: { expiresAt: number; durable?: boolean }) {
  const { label, over } = useCountdown(expiresAt);
  return (
    <span
      className="ml-auto text-xs text-amber-900/80 tabular-nums dark:text-amber-200/80"
      title={durable ? "This question waits across restarts of the app: close the tab and answer later." : undefined}
    >
      {over ? "expiring…" : `expires in ${label}`}
    </span>
  );
}

type Answer = ReturnType<typeof useElicitationAnswer>;

const ANSWERED: Partial<Record<ElicitationStatus, string>> = { accepted: "approved", declined: "declined", cancelled: "cancelled" };

/** Who a question is routed to, approvals so far, escalation: "1 of 2 approvals: bob". */
function ReviewLine({ review, mayAnswer }: { review: ReviewState; mayAnswer: boolean }) {
  const who = review.routedTo.join(", ");
  const approvals = review.approvals.map((a) => a.by).join(", ");
  return (
    <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300" role="status" data-testid="elicitation-review">
      {mayAnswer ? `Routed to ${who}` : `Waiting for review by ${who}`}
      {review.approvalsNeeded > 1 && (
        <span data-testid="elicitation-approvals">
          {" "}
          · {review.approvals.length} of {review.approvalsNeeded} approvals{approvals && `: ${approvals}`}
        </span>
      )}
      {review.escalated && <span className="font-medium text-amber-900 dark:text-amber-200"> · escalated</span>}
    </p>
  );
}

/** The pending part of a question's card: the form (if the request has fields) and the three answers. */
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
          This request asks for {form.unsupported.join(", ")} in a form this chat cannot show, so it can only be declined or cancelled.
        </p>
      )}
      <AnswerButtons busy={answer.busy} canAccept={form.valid} onAnswer={(action) => void answer.send({ action })}>
        <Countdown expiresAt={data.expiresAt} durable={data.durable} />
      </AnswerButtons>
    </form>
  );
}

function heading(data: ElicitationData, pending: boolean): string {
  if (data.kind === "tool-call") return pending ? "Allow this tool call?" : "Tool call request";
  if (data.submission) return pending ? "Review needed" : "Review request";
  if (data.mode === "url") return pending ? "Open a page?" : "Page request";
  if (data.command) return pending ? "Approval needed" : "Approval request";
  return pending ? "Input needed" : "Input request";
}

type CallOutcome = ReturnType<typeof useCallOutcome>;

/** In a conversation: the viewer is its requester, who answers unless the routing says otherwise. */
function ChatCard({ data }: { data: ElicitationData }) {
  // After Stop or a lost connection the stream cannot bring the outcome; the card asks the server instead.
  const streamEnded = useAuiState((s) => s.message.status?.type !== "running");
  const answer = useElicitationAnswer(data.id, data.status === "pending", streamEnded);
  const status = data.status !== "pending" ? data.status : (answer.status ?? "pending");
  const outcome = useCallOutcome(data, status, streamEnded);
  const mayAnswer = data.review?.requesterMayAnswer ?? true;
  return (
    <Card data={data} answer={answer} status={status} outcome={outcome} streamEnded={streamEnded} mayAnswer={mayAnswer} focusOnArrival />
  );
}

/**
 * The same card outside a conversation (the inbox): updates come by the inbox's stream, and `mayAnswer` is what
 * the server said of the viewer.
 */
export function StandaloneElicitationCard({ data, mayAnswer }: { data: ElicitationData; mayAnswer: boolean }) {
  const answer = useElicitationAnswer(data.id, data.status === "pending", false);
  const status = data.status !== "pending" ? data.status : (answer.status ?? "pending");
  const outcome: CallOutcome = { commandResult: undefined, callResult: data.result, note: data.note };
  return <Card data={data} answer={answer} status={status} outcome={outcome} streamEnded={false} mayAnswer={mayAnswer} />;
}

function Card({
  data,
  answer,
  status,
  outcome: { commandResult, callResult, note },
  streamEnded,
  mayAnswer,
  focusOnArrival = false,
}: {
  data: ElicitationData;
  answer: Answer;
  status: ElicitationStatus;
  outcome: CallOutcome;
  streamEnded: boolean;
  mayAnswer: boolean;
  focusOnArrival?: boolean;
}) {
  const ref = useRef<HTMLElement>(null);
  const headingId = useId();
  const pending = status === "pending";
  const outcome = pending ? undefined : describeOutcome({ ...data, status, note, callResult, commandResult, turnEnded: streamEnded });
  // What ran, when known; else what was approved; else what was proposed.
  const shownCommand = commandResult?.command ?? data.approved?.command ?? data.command;

  // Focus the card itself, not a button: someone typing in the composer must not approve by pressing Enter.
  useEffect(() => {
    if (focusOnArrival && data.status === "pending") ref.current?.focus();
  }, [data.id, data.status, focusOnArrival]);

  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-testid="elicitation-card"
      data-kind={data.kind}
      data-status={status}
      data-outcome={outcome?.state}
      data-elicitation-id={data.id}
      onKeyDown={(event) => {
        if (pending && mayAnswer && event.key === "Escape") void answer.send({ action: "cancel" });
      }}
      className={`card-arrive rounded-xl border-2 p-4 outline-none focus-visible:ring-4 ${
        pending
          ? "border-amber-500 bg-amber-50 ring-amber-300/60 dark:border-amber-500 dark:bg-amber-950/40 dark:ring-amber-700/50"
          : "border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60"
      }`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className={`text-sm font-semibold ${pending ? "text-amber-900 dark:text-amber-200" : ""}`}>
          {heading(data, pending)}
        </h3>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {data.kind === "tool-call" ? "a call to" : "asked by"} MCP server{" "}
          <strong className="font-mono" data-testid="elicitation-server">
            {data.serverName}
          </strong>
        </span>
      </div>
      {data.risk && (
        <p className="mt-1 text-sm font-medium text-amber-900 dark:text-amber-200">This command {data.risk.replace(/:.*/, "")}.</p>
      )}
      {data.toolCall && <ToolCallDetails toolCall={data.toolCall} />}
      {shownCommand !== undefined && (
        <pre
          className="mt-3 overflow-x-auto rounded-lg bg-zinc-900 px-3 py-2 font-mono text-sm whitespace-pre-wrap break-all text-zinc-50"
          data-testid="elicitation-command"
        >
          {shownCommand}
        </pre>
      )}
      {data.command !== undefined && shownCommand !== data.command && (
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="elicitation-proposed">
          Edited before approval; proposed: <code className="font-mono">{data.command}</code>
        </p>
      )}
      <p className="mt-3 text-sm whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">{data.message}</p>
      {data.submission?.criteria && (
        <p className="mt-2 text-sm text-zinc-800 dark:text-zinc-200" data-testid="submission-criteria">
          <strong>Check against:</strong> <span className="whitespace-pre-wrap">{data.submission.criteria}</span>
        </p>
      )}
      {data.submission && (!pending || !mayAnswer) && (
        <div className="mt-3">
          <SubmittedContent submission={data.submission} />
        </div>
      )}
      {pending && data.review && <ReviewLine review={data.review} mayAnswer={mayAnswer} />}
      <div className="mt-4 flex flex-col gap-3">
        {outcome ? (
          <>
            {data.toolCall && <ToolCallSettled data={data} toolCall={data.toolCall} />}
            <p
              role="status"
              data-testid="elicitation-outcome"
              className={`text-sm font-semibold ${outcome.state === "ran" || outcome.state === "approved" ? "text-emerald-700 dark:text-emerald-400" : outcome.state === "unknown" ? "text-amber-800 dark:text-amber-300" : "text-zinc-700 dark:text-zinc-300"}`}
            >
              {outcome.text}
            </p>
            {data.answeredBy && ANSWERED[status] && (
              <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="elicitation-answered-by">
                {ANSWERED[status]} by {data.answeredBy}
              </p>
            )}
          </>
        ) : !mayAnswer ? (
          <p className="flex text-sm text-zinc-700 dark:text-zinc-300" data-testid="elicitation-waiting">
            You cannot answer this one; it stays open until a reviewer does or it expires.
            <Countdown expiresAt={data.expiresAt} durable={data.durable} />
          </p>
        ) : data.toolCall ? (
          <ToolCallApproval data={data} toolCall={data.toolCall} answer={answer}>
            <Countdown expiresAt={data.expiresAt} durable={data.durable} />
          </ToolCallApproval>
        ) : data.submission ? (
          <SubmissionReview submission={data.submission} answer={answer}>
            <Countdown expiresAt={data.expiresAt} durable={data.durable} />
          </SubmissionReview>
        ) : data.mode === "url" && data.url ? (
          <UrlConsent url={data.url} busy={answer.busy} onAnswer={(action) => void answer.send({ action })} />
        ) : (
          <PendingAnswer data={data} answer={answer} />
        )}
        {answer.error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {answer.error}
          </p>
        )}
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
  return <ChatCard data={parsed.data} />;
};
