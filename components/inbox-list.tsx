"use client";

import type { InboxItem } from "@/lib/review/inbox-contract";

/** "42s", "3m", "2h": how long ago, or how long until. */
export function span(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1_000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  // A durable question waits up to a week.
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3_600)}h`;
  return `${Math.floor(seconds / 3_600)}h ${String(Math.floor((seconds % 3_600) / 60)).padStart(2, "0")}m`;
}

function deadlineText(item: InboxItem, now: number): string {
  const review = item.data.review;
  if (review?.escalated) return "escalated";
  if (review?.deadlineAt === undefined) return "none";
  return `escalates in ${span(review.deadlineAt - now)}`;
}

/** What a question is about, in a line: its command, tool or message. */
export function whatOf(item: InboxItem): string {
  const { data } = item;
  return data.command ?? (data.toolCall ? `${data.toolCall.toolName}(${JSON.stringify(data.toolCall.arguments)})` : data.message);
}

/** The inbox's rows: who asked, what, risk, age, time left, deadline. The selected row is the one the keys act on. */
export function InboxList({
  items,
  selectedId,
  now,
  onSelect,
}: {
  items: InboxItem[];
  selectedId?: string;
  now: number;
  onSelect: (id: string) => void;
}) {
  if (items.length === 0) {
    return (
      <p className="p-4 text-sm text-zinc-600 dark:text-zinc-400" data-testid="inbox-empty">
        Nothing is waiting for you.
      </p>
    );
  }
  return (
    <ul aria-label="Waiting questions" className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="inbox-list">
      {items.map((item) => {
        const { data } = item;
        const selected = data.id === selectedId;
        return (
          <li key={data.id}>
            <button
              type="button"
              aria-current={selected || undefined}
              onClick={() => onSelect(data.id)}
              data-testid="inbox-item"
              data-question-id={data.id}
              className={`flex w-full flex-col gap-1 px-4 py-3 text-left text-sm outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60 ${
                selected ? "bg-amber-50 dark:bg-amber-950/40" : "hover:bg-zinc-50 dark:hover:bg-zinc-900"
              }`}
            >
              <span className="flex flex-wrap items-baseline gap-x-2">
                <strong className="font-semibold">{item.requesterName}</strong>
                <span className="text-zinc-600 dark:text-zinc-400">
                  via <span className="font-mono">{data.serverName}</span>
                  {data.toolCall && (
                    <>
                      {" "}
                      · tool <span className="font-mono">{data.toolCall.toolName}</span>
                    </>
                  )}
                  {data.submission && " · review"}
                </span>
                {data.specialty && (
                  <span
                    className="rounded bg-sky-100 px-1.5 text-xs font-medium text-sky-900 dark:bg-sky-950 dark:text-sky-200"
                    data-testid="inbox-item-specialty"
                  >
                    {data.specialty}
                  </span>
                )}
                {!item.mayAnswer && <span className="text-xs text-zinc-600 dark:text-zinc-400">(read-only)</span>}
              </span>
              <span className="truncate font-mono text-xs" data-testid="inbox-item-what">
                {whatOf(item)}
              </span>
              <span className="flex flex-wrap gap-x-3 text-xs text-zinc-600 dark:text-zinc-400">
                {data.risk && <span className="font-medium text-amber-900 dark:text-amber-200">{data.risk.replace(/:.*/s, "")}</span>}
                <span>asked {span(now - data.createdAt)} ago</span>
                <span>{span(data.expiresAt - now)} left</span>
                <span data-testid="inbox-item-deadline">deadline: {deadlineText(item, now)}</span>
                {data.review && data.review.approvalsNeeded > 1 && (
                  <span>
                    {data.review.approvals.length} of {data.review.approvalsNeeded} approvals
                  </span>
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
