"use client";

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { apiErrorOf, apiPaths } from "@/lib/api-contract";
import { conversationListSchema, type ConversationSummary } from "@/lib/chat/conversation-contract";
import { ThreadListItem } from "./thread-list-item";

/** How long typing pauses before the search asks the server. */
const SEARCH_DELAY_MS = 250;
const LIST_LIMIT = 100;

interface ListState {
  conversations: ConversationSummary[];
  loaded: boolean;
  error?: string;
}

/** The person's conversations from the server, newest first, whose titles contain `search`; fetched again on `refreshKey`. */
function useConversations(search: string, refreshKey: string): ListState & { reload: () => void } {
  const [state, setState] = useState<ListState>({ conversations: [], loaded: false });
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    void (async () => {
      try {
        const response = await fetch(apiPaths.conversations({ q: search || undefined, limit: LIST_LIMIT }), { signal: controller.signal });
        const json: unknown = await response.json();
        if (!response.ok) throw new Error(apiErrorOf(json)?.message ?? `The server answered ${response.status}.`);
        setState({ conversations: conversationListSchema.parse(json).conversations, loaded: true });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((old) => ({ ...old, loaded: true, error: error instanceof Error ? error.message : String(error) }));
      }
    })();
    return () => controller.abort();
  }, [search, refreshKey, reloads]);
  return { ...state, reload: useCallback(() => setReloads((n) => n + 1), []) };
}

/** Arrow keys, Home and End move between the conversations; Enter opens the one with the focus. */
function moveFocus(event: KeyboardEvent<HTMLElement>, list: HTMLElement | null): void {
  const links = [...(list?.querySelectorAll<HTMLElement>("[data-thread-link]") ?? [])];
  const at = links.indexOf(document.activeElement as HTMLElement);
  const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: links.length - 1 }[event.key];
  if (next === undefined || at === -1) return;
  event.preventDefault();
  links[Math.max(0, Math.min(links.length - 1, next))]?.focus();
}

/**
 * The conversation list: a new-conversation button, a search box (titles, searched on the server), and the
 * conversations newest first, each with rename and delete. One conversation at a time is in the Tab order; the
 * arrow keys move between them.
 */
export function ThreadList({
  currentId,
  refreshKey,
  onOpen,
  onNew,
  onDeleted,
  newShortcut,
}: {
  currentId: string;
  refreshKey: string;
  onOpen: (id: string) => void;
  onNew: () => void;
  onDeleted: (id: string) => void;
  /** The keys that start a new conversation, as aria-keyshortcuts names them. */
  newShortcut: string;
}) {
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const { conversations, loaded, error, reload } = useConversations(search, refreshKey);
  const list = useRef<HTMLUListElement>(null);
  const [focusedId, setFocusedId] = useState<string>();
  // The one in the Tab order: the one last focused if still listed, else the open one, else the first.
  const tabbableId = [focusedId, currentId].find((id) => conversations.some((c) => c.id === id)) ?? conversations[0]?.id;

  return (
    <nav aria-label="Conversations" className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-col gap-2 p-3">
        <button
          type="button"
          onClick={onNew}
          aria-keyshortcuts={newShortcut}
          title="New conversation (Ctrl+Shift+O)"
          className="flex min-h-10 items-center justify-center gap-1.5 rounded-lg border border-zinc-300 px-3 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-blue-500 dark:border-zinc-700 dark:hover:bg-zinc-900"
        >
          <span aria-hidden>+</span> New conversation
        </button>
        <input
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== "ArrowDown") return;
            event.preventDefault();
            list.current?.querySelector<HTMLElement>("[data-thread-link]")?.focus();
          }}
          placeholder="Search titles"
          aria-label="Search conversations"
          maxLength={200}
          className="min-h-10 rounded-lg border border-zinc-300 bg-transparent px-3 text-sm outline-none placeholder:text-zinc-500 focus-visible:border-blue-500 focus-visible:ring-2 focus-visible:ring-blue-500/40 dark:border-zinc-700 dark:placeholder:text-zinc-400"
        />
      </div>
      <ul
        ref={list}
        aria-label={search ? `Conversations matching ${search}` : "Recent conversations"}
        onKeyDown={(event) => moveFocus(event, list.current)}
        className="flex min-h-0 flex-1 flex-col gap-0.5 overflow-y-auto px-2 pb-3"
      >
        {conversations.map((conversation) => (
          <ThreadListItem
            key={conversation.id}
            conversation={conversation}
            current={conversation.id === currentId}
            tabbable={conversation.id === tabbableId}
            onFocus={() => setFocusedId(conversation.id)}
            onOpen={onOpen}
            onChanged={reload}
            onDeleted={(id) => {
              reload();
              onDeleted(id);
            }}
          />
        ))}
      </ul>
      <p role="status" className="px-4 pb-3 text-xs text-zinc-600 dark:text-zinc-400">
        {error
          ? `The list could not be loaded: ${error}`
          : !loaded || conversations.length > 0
            ? ""
            : search
              ? `No conversation title contains “${search}”.`
              : "No conversations yet."}
      </p>
    </nav>
  );
}
