"use client";

import type { ReactNode } from "react";

const BUTTON = "h-10 rounded-lg px-4 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50";

/**
 * Accept, Decline and Cancel: kept distinct, as the spec asks, on every kind of card. Accept is the form's submit,
 * unless the card gives its own accepting action (a URL card's "Open link"). `data-answer` names each for the
 * inbox's keyboard shortcuts (a, d, c), which press exactly these buttons.
 */
export function AnswerButtons({
  busy,
  canAccept,
  onAnswer,
  accept,
  labels,
  children,
}: {
  busy: boolean;
  canAccept: boolean;
  onAnswer: (action: "decline" | "cancel") => void;
  accept?: { label: string; onClick: () => void };
  /** Words for what accept and decline mean on this card (a review's "Approve" and "Reject"). */
  labels?: { accept?: string; decline?: string };
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type={accept ? "button" : "submit"}
        data-answer="accept"
        disabled={busy || !canAccept}
        onClick={accept?.onClick}
        className={`${BUTTON} bg-amber-700 text-white hover:bg-amber-800 focus-visible:outline-amber-700`}
      >
        {accept?.label ?? labels?.accept ?? "Accept"}
      </button>
      <button
        type="button"
        disabled={busy}
        data-answer="decline"
        onClick={() => onAnswer("decline")}
        className={`${BUTTON} border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 focus-visible:outline-zinc-500 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100`}
      >
        {labels?.decline ?? "Decline"}
      </button>
      <button
        type="button"
        disabled={busy}
        data-answer="cancel"
        onClick={() => onAnswer("cancel")}
        className={`${BUTTON} text-zinc-700 hover:underline focus-visible:outline-zinc-500 dark:text-zinc-300`}
      >
        Cancel
      </button>
      {children}
    </div>
  );
}
