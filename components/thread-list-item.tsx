"use client";

import { useId, useState, type FormEvent, type MouseEvent } from "react";
import { apiErrorOf, apiPaths } from "@/lib/api-contract";
import { MAX_TITLE_LENGTH, type ConversationSummary } from "@/lib/chat/conversation-contract";

type Mode = "view" | "rename" | "confirm-delete";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-blue-500";
const ICON_BUTTON = `flex size-9 shrink-0 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${FOCUS}`;
const TEXT_BUTTON = `min-h-9 rounded-md px-2.5 text-sm font-medium ${FOCUS}`;

async function send(url: string, init: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  if (response.ok) return;
  const json: unknown = await response.json().catch(() => undefined);
  throw new Error(apiErrorOf(json)?.message ?? `The server answered ${response.status}.`);
}

/**
 * One conversation in the list: a link that opens it (a real link, so it can open in a new tab too), and rename
 * (inline; F2 on the link) and delete (with a confirmation; Delete on the link).
 */
export function ThreadListItem({
  conversation,
  current,
  tabbable,
  onFocus,
  onOpen,
  onChanged,
  onDeleted,
}: {
  conversation: ConversationSummary;
  current: boolean;
  /** Whether it is the list's one item in the Tab order. */
  tabbable: boolean;
  onFocus: () => void;
  onOpen: (id: string) => void;
  onChanged: () => void;
  onDeleted: (id: string) => void;
}) {
  const { id, title } = conversation;
  const titleId = useId();
  const [mode, setMode] = useState<Mode>("view");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const tabIndex = tabbable ? 0 : -1;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const rename = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = String(new FormData(event.currentTarget).get("title") ?? "").trim();
    if (!next || next === title) return setMode("view");
    const headers = { "content-type": "application/json" };
    const done = await run(() => send(apiPaths.conversation(id), { method: "PATCH", headers, body: JSON.stringify({ title: next }) }));
    if (done) {
      setMode("view");
      onChanged();
    }
  };

  const remove = async () => {
    if (await run(() => send(apiPaths.conversation(id), { method: "DELETE" }))) onDeleted(id);
  };

  const openLink = (event: MouseEvent<HTMLAnchorElement>) => {
    // A modified click opens it elsewhere, as links do.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    onOpen(id);
  };

  return (
    <li
      className={`group rounded-lg ${current ? "bg-zinc-100 dark:bg-zinc-800/80" : "hover:bg-zinc-50 dark:hover:bg-zinc-900"}`}
      data-testid="thread-list-item"
      data-thread-id={id}
    >
      {mode === "rename" ? (
        <form onSubmit={(event) => void rename(event)} className="flex items-center gap-1 p-1">
          <input
            name="title"
            defaultValue={title}
            aria-label="New title"
            maxLength={MAX_TITLE_LENGTH}
            required
            autoFocus
            disabled={busy}
            onFocus={(event) => event.currentTarget.select()}
            onKeyDown={(event) => {
              if (event.key !== "Escape") return;
              event.preventDefault();
              event.stopPropagation();
              setMode("view");
            }}
            className="min-h-9 min-w-0 flex-1 rounded-md border border-blue-500 bg-white px-2 text-sm outline-none dark:bg-zinc-950"
          />
          <button type="submit" disabled={busy} className={`${TEXT_BUTTON} bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900`}>
            Save
          </button>
          <button type="button" onClick={() => setMode("view")} className={TEXT_BUTTON}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="flex items-center gap-0.5 pr-1">
          <a
            id={titleId}
            href={`/?thread=${encodeURIComponent(id)}`}
            data-thread-link
            aria-current={current ? "page" : undefined}
            tabIndex={tabIndex}
            onFocus={onFocus}
            onClick={openLink}
            onKeyDown={(event) => {
              const mode = ({ F2: "rename", Delete: "confirm-delete" } as const)[event.key as "F2" | "Delete"];
              if (!mode) return;
              event.preventDefault();
              setMode(mode);
            }}
            className={`min-h-10 min-w-0 flex-1 truncate rounded-md px-2.5 py-2.5 text-sm ${current ? "font-medium" : ""} ${FOCUS}`}
          >
            {title}
          </a>
          <button
            type="button"
            tabIndex={tabIndex}
            onClick={() => setMode("rename")}
            // Named for what it does and described by the title: a person's title never makes a name that other
            // controls' names are found in (a conversation titled "Stop" beside the Stop button).
            aria-label="Rename conversation"
            aria-describedby={titleId}
            className={ICON_BUTTON}
          >
            <svg aria-hidden viewBox="0 0 20 20" className="size-4" fill="currentColor">
              <path d="M13.6 3.3a1.9 1.9 0 0 1 2.7 2.7l-8.6 8.6-3.6.9.9-3.6 8.6-8.6Z" />
            </svg>
          </button>
          <button
            type="button"
            tabIndex={tabIndex}
            onClick={() => setMode("confirm-delete")}
            aria-label="Delete conversation"
            aria-describedby={titleId}
            className={ICON_BUTTON}
          >
            <svg aria-hidden viewBox="0 0 20 20" className="size-4" fill="currentColor">
              <path d="M8 2h4l1 1h4v2H3V3h4l1-1Zm-3 5h10l-.8 10.2A2 2 0 0 1 12.2 19H7.8a2 2 0 0 1-2-1.8L5 7Z" />
            </svg>
          </button>
        </div>
      )}
      {mode === "confirm-delete" && (
        <div role="group" aria-label={`Delete “${title}”?`} className="flex flex-wrap items-center gap-1 px-2.5 pb-2 text-sm">
          <p className="w-full pb-1 text-zinc-700 dark:text-zinc-300">Delete this conversation? Questions waiting in it are cancelled.</p>
          <button
            type="button"
            disabled={busy}
            onClick={() => void remove()}
            className={`${TEXT_BUTTON} bg-red-700 text-white hover:bg-red-800 dark:bg-red-600`}
          >
            Delete
          </button>
          <button type="button" autoFocus onClick={() => setMode("view")} className={TEXT_BUTTON}>
            Keep
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="px-2.5 pb-2 text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </li>
  );
}
