"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { inboxPaths, type InboxQuery } from "@/lib/review/contract";
import { inboxEventSchema, matchesInboxQuery, type InboxItem } from "@/lib/review/inbox-contract";
import { InboxDetail } from "./inbox-detail";
import { InboxList } from "./inbox-list";

type Connection = "connecting" | "live" | "reconnecting";

/**
 * The inbox's questions, live from GET /api/inbox/stream: the snapshot replaces the list (also after a
 * reconnect), upserts add or change one, removes take one out. A removed question that is open stays shown, settled,
 * so its reviewer sees how it ended ("approved by bob and carol").
 */
function useInbox() {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [settled, setSettled] = useState<Map<string, InboxItem>>(new Map());
  const [connection, setConnection] = useState<Connection>("connecting");
  useEffect(() => {
    const source = new EventSource(inboxPaths.stream);
    source.onopen = () => setConnection("live");
    source.onerror = () => setConnection("reconnecting");
    source.onmessage = (message: MessageEvent<string>) => {
      const parsed = inboxEventSchema.safeParse(JSON.parse(message.data));
      if (!parsed.success) return;
      const event = parsed.data;
      if (event.type === "snapshot") setItems(event.items);
      else if (event.type === "upsert") {
        setItems((old) => {
          const at = old.findIndex((item) => item.data.id === event.item.data.id);
          return at === -1 ? [...old, event.item] : old.map((item, i) => (i === at ? event.item : item));
        });
      } else {
        setItems((old) => {
          const gone = old.find((item) => item.data.id === event.id);
          if (gone && event.data) setSettled((map) => new Map(map).set(event.id, { ...gone, data: event.data! }));
          return old.filter((item) => item.data.id !== event.id);
        });
      }
    };
    return () => source.close();
  }, []);
  return { items, settled, connection };
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Typing in a field is typing, never a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

const FIELD =
  "h-9 rounded-lg border border-zinc-300 bg-white px-2 text-sm outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60 dark:border-zinc-700 dark:bg-zinc-900";

export function InboxApp({ initialQuestion }: { initialQuestion?: string }) {
  const { items, settled, connection } = useInbox();
  const now = useNow();
  const [query, setQuery] = useState<InboxQuery>({});
  const [selectedId, setSelectedId] = useState<string | undefined>(initialQuestion);
  const detail = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => items.filter((item) => matchesInboxQuery(item, query)), [items, query]);
  const servers = useMemo(() => [...new Set(items.map((item) => item.data.serverName))].sort(), [items]);
  const selected = shown.find((item) => item.data.id === selectedId) ?? (selectedId ? settled.get(selectedId) : undefined);

  const select = useCallback((id: string) => {
    setSelectedId(id);
    history.replaceState(null, "", inboxPaths.page(id));
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const at = shown.findIndex((item) => item.data.id === selectedId);
      const press = (answer: string) =>
        detail.current?.querySelector<HTMLButtonElement>(`[data-answer="${answer}"]:not(:disabled)`)?.click();
      switch (event.key) {
        case "j":
        case "k": {
          const next = shown[Math.min(Math.max(at + (event.key === "j" ? 1 : -1), 0), shown.length - 1)];
          if (next) select(next.data.id);
          break;
        }
        case "a":
          press("accept");
          break;
        case "d":
          press("decline");
          break;
        case "c":
          press("cancel");
          break;
        case "e":
          detail.current?.querySelector<HTMLElement>("textarea:not(:disabled), input:not([type=checkbox]):not(:disabled)")?.focus();
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shown, selectedId, select]);

  const setFilter = (key: keyof InboxQuery) => (value: string) => setQuery((old) => ({ ...old, [key]: value || undefined }));
  return (
    <div className="flex h-dvh flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h1 className="text-base font-semibold">Inbox</h1>
        <span className="text-xs text-zinc-600 dark:text-zinc-400" role="status" data-testid="inbox-connection" data-state={connection}>
          {connection === "live" ? `${items.length} waiting · live` : connection === "connecting" ? "connecting…" : "reconnecting…"}
        </span>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>a</kbd> accept, <kbd>d</kbd> decline, <kbd>c</kbd> cancel, <kbd>e</kbd> edit
        </p>
        <Link href="/" className="ml-auto text-sm underline outline-none focus-visible:ring-4 focus-visible:ring-amber-400/60">
          Back to the chat
        </Link>
      </header>
      <main className="grid min-h-0 flex-1 grid-cols-1 md:grid-cols-[minmax(18rem,28rem)_1fr]">
        <section
          aria-label="Questions"
          className="flex min-h-0 flex-col border-b border-zinc-200 md:border-r md:border-b-0 dark:border-zinc-800"
        >
          <form role="search" aria-label="Filters" className="flex flex-wrap gap-2 p-3" onSubmit={(e) => e.preventDefault()}>
            <label className="flex flex-col text-xs">
              Server
              <select className={FIELD} value={query.server ?? ""} onChange={(e) => setFilter("server")(e.target.value)}>
                <option value="">any</option>
                {servers.map((server) => (
                  <option key={server}>{server}</option>
                ))}
              </select>
            </label>
            <label className="flex flex-col text-xs">
              Risk
              <input
                className={FIELD}
                value={query.risk ?? ""}
                onChange={(e) => setFilter("risk")(e.target.value)}
                placeholder="e.g. deletes"
              />
            </label>
            <label className="flex flex-col text-xs">
              Search
              <input
                className={FIELD}
                value={query.q ?? ""}
                onChange={(e) => setFilter("q")(e.target.value)}
                placeholder="command or message"
              />
            </label>
          </form>
          <div className="min-h-0 flex-1 overflow-y-auto">
            <InboxList items={shown} selectedId={selectedId} now={now} onSelect={select} />
          </div>
        </section>
        <section aria-label="Selected question" className="min-h-0 overflow-y-auto p-4" ref={detail}>
          {selected ? (
            <InboxDetail data={selected.data} mayAnswer={selected.mayAnswer} />
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Choose a question (j and k move through the list).</p>
          )}
        </section>
      </main>
    </div>
  );
}
