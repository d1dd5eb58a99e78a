"use client";

import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { SUBMISSION_CONTENT_FIELD, type Submission } from "@/lib/elicitation/contract";
import { AnswerButtons } from "./answer-buttons";
import { ContentDiff } from "./content-diff";
import { MarkdownPreview } from "./markdown-preview";
import type { useElicitationAnswer } from "./use-elicitation-answer";

const FIELD = "w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-600 dark:bg-zinc-950";

/** JSON that no longer parses cannot be approved: the agent asked for JSON. */
function jsonErrorOf(format: Submission["format"], text: string): string | undefined {
  if (format !== "json") return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What was submitted, as it will read: markdown rendered, JSON and text as they are. */
export function SubmittedContent({ submission }: { submission: Submission }) {
  if (submission.format === "markdown") return <MarkdownPreview text={submission.content} testId="submission-content" />;
  return (
    <pre
      data-testid="submission-content"
      className="max-h-80 overflow-auto rounded-lg border border-zinc-200 bg-white p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-700 dark:bg-zinc-950"
    >
      {submission.content}
    </pre>
  );
}

/**
 * A review's answer: approve as submitted, edit then approve (the agent gets the edited content and a diff), or
 * reject with reasons. Cancel leaves it without a verdict, as on every card.
 */
export function SubmissionReview({
  submission,
  answer,
  children,
}: {
  submission: Submission;
  answer: ReturnType<typeof useElicitationAnswer>;
  children?: ReactNode;
}) {
  const id = useId();
  const [edited, setEdited] = useState(submission.content);
  const [comment, setComment] = useState("");
  const [reasons, setReasons] = useState("");
  const [askedForReasons, setAskedForReasons] = useState(false);
  const reasonsRef = useRef<HTMLTextAreaElement>(null);
  const changed = edited !== submission.content;
  const jsonError = jsonErrorOf(submission.format, edited);

  const approve = (event?: FormEvent) => {
    event?.preventDefault();
    if (jsonError || edited === "") return;
    void answer.send({ action: "accept", content: { [SUBMISSION_CONTENT_FIELD]: edited, ...(comment.trim() && { comment }) } });
  };
  const reject = () => {
    if (!reasons.trim()) {
      setAskedForReasons(true);
      reasonsRef.current?.focus();
      return;
    }
    void answer.send({ action: "decline", reason: reasons.trim() });
  };

  return (
    <form onSubmit={approve} noValidate className="flex flex-col gap-3" data-testid="submission-review">
      <SubmittedContent submission={submission} />
      <label className="flex flex-col gap-1 text-sm font-medium" htmlFor={`${id}-editor`}>
        Edit before approving (optional)
      </label>
      <textarea
        id={`${id}-editor`}
        data-testid="submission-editor"
        value={edited}
        disabled={answer.busy}
        onChange={(event) => setEdited(event.target.value)}
        rows={Math.min(16, Math.max(4, edited.split("\n").length + 1))}
        spellCheck={submission.format !== "json"}
        aria-invalid={jsonError !== undefined}
        className={`${FIELD} font-mono`}
      />
      {jsonError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Not valid JSON: {jsonError}
        </p>
      )}
      {changed && <ContentDiff before={submission.content} after={edited} />}
      <label className="flex flex-col gap-1 text-sm font-medium">
        Comment (optional)
        <input value={comment} disabled={answer.busy} onChange={(event) => setComment(event.target.value)} className={FIELD} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Reasons, if you reject it
        <textarea
          ref={reasonsRef}
          data-testid="submission-reasons"
          value={reasons}
          disabled={answer.busy}
          onChange={(event) => setReasons(event.target.value)}
          rows={2}
          aria-invalid={askedForReasons && !reasons.trim()}
          className={FIELD}
        />
      </label>
      {askedForReasons && !reasons.trim() && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Say why you reject it: the agent gets your reasons.
        </p>
      )}
      <AnswerButtons
        busy={answer.busy}
        canAccept={!jsonError && edited !== ""}
        labels={{ accept: changed ? "Approve with edits" : "Approve", decline: "Reject" }}
        onAnswer={(action) => (action === "decline" ? reject() : void answer.send({ action }))}
      >
        {children}
      </AnswerButtons>
    </form>
  );
}
