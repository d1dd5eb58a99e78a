"use client";

import { useAuiState, type ToolCallMessagePartComponent } from "@assistant-ui/react";
import {
  askExpertOutputSchema,
  EXPERT_STATUS_PART_NAME,
  expertStatusSchema,
  type AskExpertInput,
  type AskExpertOutput,
  type ExpertStatus,
} from "@/lib/agent/ask-expert-contract";
import { useCountdown } from "./use-countdown";

type Args = Partial<AskExpertInput>;
type CardState = AskExpertOutput["status"] | "pending" | "ended" | "failed";

const HEADINGS: Record<CardState, string> = {
  pending: "Waiting for an expert",
  answered: "An expert answered",
  declined: "The expert declined",
  expired: "Nobody answered in time",
  cancelled: "Question withdrawn",
  ended: "No answer",
  failed: "Could not ask an expert",
};

/**
 * The ask_expert tool call: the question, then its live status while a person on the team has it (routed to whom,
 * approvals so far, escalated, time left), then the answer and who gave it, or how it ended without one. The live
 * status is the `data-expert-status` part the tool writes into the same message (matched by the tool call's id).
 */
export const AskExpertToolUI: ToolCallMessagePartComponent<Args, unknown> = ({ toolCallId, args, result, status, isError }) => {
  const live = useAuiState((s) => {
    for (const part of s.message.parts) {
      if (part.type !== "data" || part.name !== EXPERT_STATUS_PART_NAME) continue;
      const parsed = expertStatusSchema.safeParse(part.data);
      if (parsed.success && parsed.data.toolCallId === toolCallId) return part.data as ExpertStatus;
    }
    return undefined;
  });
  const parsed = askExpertOutputSchema.safeParse(result);
  const output = parsed.success ? parsed.data : undefined;
  const running = status.type === "running" && result === undefined;
  const state: CardState = output?.status ?? (running ? "pending" : isError ? "failed" : "ended");
  const specialty = output?.specialty ?? args.specialty ?? live?.specialty;
  const pending = state === "pending";

  return (
    <section
      className={`overflow-hidden rounded-xl border-2 text-sm ${
        pending
          ? "border-blue-300 bg-blue-50 dark:border-blue-800 dark:bg-blue-950/40"
          : "border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60"
      }`}
      data-testid="ask-expert-card"
      data-status={state}
      data-request-id={output?.id ?? live?.requestId}
      aria-label="Question to an expert"
    >
      <header className="flex flex-wrap items-baseline gap-2 px-3 pt-2">
        <h3 className="font-semibold" data-testid="ask-expert-heading">
          {HEADINGS[state]}
          {specialty && ` (${specialty})`}
        </h3>
        {pending && live && <TimeLeft expiresAt={live.expiresAt} />}
      </header>
      {args.question && (
        <p className="px-3 pt-1 whitespace-pre-wrap text-zinc-700 dark:text-zinc-300" data-testid="ask-expert-question">
          {args.question}
        </p>
      )}
      <div className="px-3 pt-2 pb-3">
        {pending && <Progress live={live} />}
        {output && <Outcome output={output} />}
        {state === "ended" && (
          <p className="text-zinc-600 dark:text-zinc-400" data-testid="ask-expert-note">
            The turn ended before an answer came back, so the question was withdrawn.
          </p>
        )}
        {state === "failed" && (
          <p className="text-red-700 dark:text-red-300" data-testid="ask-expert-note">
            {failureOf(result)}
          </p>
        )}
      </div>
    </section>
  );
};

function TimeLeft({ expiresAt }: { expiresAt: number }) {
  const { label, over } = useCountdown(expiresAt);
  return (
    <span className="ml-auto text-xs text-zinc-600 tabular-nums dark:text-zinc-400">{over ? "deadline passed" : `${label} left`}</span>
  );
}

/** Where the question stands while it waits: in the inbox, routed, approvals, escalated; answered and on its way. */
function Progress({ live }: { live: ExpertStatus | undefined }) {
  let text = "Asking the team…";
  if (live?.status === "pending") {
    const review = live.review;
    if (!review) text = "In the team's inbox, waiting for someone to answer.";
    else {
      const approvals = review.approvals.map((approval) => approval.by).join(", ");
      text = [
        `Routed to ${review.routedTo.join(", ")}`,
        review.approvalsNeeded > 1 &&
          `${review.approvals.length} of ${review.approvalsNeeded} approvals${approvals ? `: ${approvals}` : ""}`,
        review.escalated && "escalated",
      ]
        .filter(Boolean)
        .join(" · ");
    }
  } else if (live) text = `${live.status === "accepted" ? "Answered" : `Ended (${live.status})`}; passing it to the agent…`;
  return (
    <p role="status" className="text-blue-900 dark:text-blue-200" data-testid="ask-expert-progress">
      {text}
    </p>
  );
}

function Outcome({ output }: { output: AskExpertOutput }) {
  const when = output.answeredAt ? new Date(output.answeredAt).toLocaleString() : undefined;
  const by = output.answeredBy ? `${output.answeredBy.name} (${output.answeredBy.role})` : undefined;
  return (
    <div className="flex flex-col gap-2">
      {output.status === "answered" && (
        <blockquote
          className="rounded-lg border-l-4 border-emerald-500 bg-white px-3 py-2 whitespace-pre-wrap dark:bg-zinc-950"
          data-testid="ask-expert-answer"
        >
          {output.answer}
        </blockquote>
      )}
      {(by || when) && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="ask-expert-by">
          {output.status === "declined" ? "Declined" : "Answered"}
          {by && ` by ${by}`}
          {when && `, ${when}`}
        </p>
      )}
      {output.comment && (
        <p className="text-zinc-700 dark:text-zinc-300" data-testid="ask-expert-comment">
          Comment: {output.comment}
        </p>
      )}
      {output.reasons && (
        <p className="text-zinc-700 dark:text-zinc-300" data-testid="ask-expert-reasons">
          Reasons: {output.reasons}
        </p>
      )}
      {output.status === "expired" && (
        <p className="text-zinc-700 dark:text-zinc-300" data-testid="ask-expert-note">
          No answer came before the deadline{output.note ? ` (${output.note})` : ""}; the agent was told there is none.
        </p>
      )}
      {output.status === "cancelled" && (
        <p className="text-zinc-700 dark:text-zinc-300" data-testid="ask-expert-note">
          Nobody answered: {output.note ?? "the question was withdrawn"}.
        </p>
      )}
    </div>
  );
}

function failureOf(result: unknown): string {
  if (result && typeof result === "object" && "error" in result) return `The question could not be asked: ${String(result.error)}`;
  return typeof result === "string" ? `The question could not be asked: ${result}` : "The question could not be asked.";
}
