"use client";

import { diffLines } from "diff";
import { useDeferredValue, useMemo } from "react";

/** A diff that takes longer is not shown line by line: typing must stay responsive on any content. */
const DIFF_TIMEOUT_MS = 50;

/** Line by line, what an edit changes: removed lines struck in red, added ones in green, the rest as context. */
export function ContentDiff({ before, after }: { before: string; after: string }) {
  // Diffed after the keystroke is shown, not in its way.
  const shown = useDeferredValue(after);
  const changes = useMemo(() => diffLines(before, shown, { timeout: DIFF_TIMEOUT_MS }), [before, shown]);
  if (!changes) {
    return (
      <p data-testid="submission-diff" className="text-sm text-zinc-700 dark:text-zinc-300">
        Too many changes to show line by line; the agent gets the whole edited content.
      </p>
    );
  }
  return (
    <pre
      data-testid="submission-diff"
      aria-label="Changes from the submitted content"
      className="max-h-80 overflow-auto rounded-lg border border-zinc-200 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
    >
      {changes.map((change, index) =>
        change.value
          .replace(/\n$/, "")
          .split("\n")
          .map((line, lineIndex) => (
            <div
              key={`${index}-${lineIndex}`}
              data-change={change.added ? "added" : change.removed ? "removed" : "same"}
              className={
                change.added
                  ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
                  : change.removed
                    ? "bg-red-100 text-red-900 line-through dark:bg-red-950 dark:text-red-200"
                    : "text-zinc-600 dark:text-zinc-400"
              }
            >
              {change.added ? "+ " : change.removed ? "- " : "  "}
              {line}
            </div>
          )),
      )}
    </pre>
  );
}
