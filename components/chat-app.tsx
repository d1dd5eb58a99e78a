"use client";

import { AssistantRuntimeProvider } from "@assistant-ui/react";
import { useChatRuntime } from "@assistant-ui/react-ai-sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "@/lib/errors";
import { ANSWERED_EVENT } from "./use-elicitation-answer";
import { createChatTransport, newThreadId, openSession, showThreadInAddress, threadInAddress, type ChatSession } from "./chat-session";
import { Thread } from "./thread";
import { ThreadList } from "./thread-list";
import { ThreadListDrawer } from "./thread-list-drawer";

const SUGGESTIONS = [
  { title: "List the workspace", label: "runs at once: read-only", prompt: "run `ls -la`" },
  { title: "Make a build folder", label: "asks first: it writes", prompt: "run `mkdir -p build && touch build/app.js`" },
  { title: "Delete the build folder", label: "asks first: it deletes", prompt: "run `rm -rf build`" },
];

const DRAWER_ID = "conversation-drawer";
const TOOLBAR_BUTTON =
  "flex min-h-10 items-center gap-1.5 rounded-lg px-2.5 text-sm font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-500 dark:hover:bg-zinc-900";

/** Ctrl+Shift+O (⌘⇧O on a Mac) starts a new conversation from anywhere on the page. */
const RESUMING_POLL_MS = 500;

const NEW_CONVERSATION_KEYS = "Control+Shift+O Meta+Shift+O";
const isNewConversationKey = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.key.toLowerCase() === "o";

function Chat({ session, onTurnEnd, onReopen }: { session: ChatSession; onTurnEnd: () => void; onReopen: () => void }) {
  const [{ transport, setAttached }] = useState(() => createChatTransport(session.threadId, onTurnEnd));
  useEffect(() => {
    setAttached(true);
    return () => setAttached(false);
  }, [setAttached]);
  const runtime = useChatRuntime({ transport, messages: session.messages, suggestions: SUGGESTIONS, onFinish: onTurnEnd });
  // An answer that resumed a turn this page no longer follows (it waited across a restart): open it again to follow.
  useEffect(() => {
    const onAnswered = () => {
      if (!runtime.thread.getState().isRunning) onReopen();
    };
    window.addEventListener(ANSWERED_EVENT, onAnswered);
    return () => window.removeEventListener(ANSWERED_EVENT, onAnswered);
  }, [runtime, onReopen]);
  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <Thread />
    </AssistantRuntimeProvider>
  );
}

/** One conversation, as the server has it; mounted afresh (keyed by its id) for each conversation. */
function Conversation({ threadId, onTurnEnd }: { threadId: string; onTurnEnd: () => void }) {
  const [session, setSession] = useState<ChatSession>();
  const [failure, setFailure] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  /** Which load the session is: a reopened conversation mounts its chat afresh, with what the server has now. */
  const [loaded, setLoaded] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    const show = (opened: ChatSession) => {
      setSession(opened);
      setLoaded((n) => n + 1);
    };
    openSession(threadId, controller.signal).then(show, (error: unknown) => {
      if (!controller.signal.aborted) setFailure(errorMessage(error));
    });
    return () => controller.abort();
  }, [threadId, attempt]);
  const reopen = useCallback(() => setAttempt((n) => n + 1), []);
  // A resumed turn's reply is stored as it streams (every quarter second): show it as it grows.
  useEffect(() => {
    if (!session?.resuming) return;
    const timer = setTimeout(reopen, RESUMING_POLL_MS);
    return () => clearTimeout(timer);
  }, [session, reopen]);
  if (failure) {
    return (
      <div role="alert" className="mx-auto flex max-w-3xl flex-1 flex-col items-start gap-3 px-4 py-10">
        <p>This conversation could not be opened: {failure}</p>
        <button
          type="button"
          onClick={() => (setFailure(undefined), setAttempt((n) => n + 1))}
          className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-blue-500 dark:border-zinc-700"
        >
          Try again
        </button>
      </div>
    );
  }
  return session ? (
    <Chat key={loaded} session={session} onTurnEnd={onTurnEnd} onReopen={reopen} />
  ) : (
    <div className="flex-1" aria-busy="true" />
  );
}

/**
 * The chat itself, with the list of conversations beside it (a drawer on a phone). Browser-only (see
 * chat-client.tsx). Switching conversations never reloads the page: the address changes (?thread=, back and forward
 * work) and the chat is mounted afresh for the other conversation.
 */
export function ChatApp() {
  const [threadId, setThreadId] = useState(() => threadInAddress() ?? newThreadId());
  /** Bumped when the list may have changed: a turn started (its message is stored by then) or ended. */
  const [listVersion, setListVersion] = useState(0);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const drawerButton = useRef<HTMLButtonElement>(null);

  // A new conversation's id goes in the address at once, so a reload opens the same one.
  useEffect(() => showThreadInAddress(threadId, "replace"), [threadId]);
  useEffect(() => {
    const onPopState = () => setThreadId(threadInAddress() ?? newThreadId());
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const open = useCallback((id: string) => {
    showThreadInAddress(id, "push");
    setThreadId(id);
    setDrawerOpen(false);
  }, []);
  const startNew = useCallback(() => open(newThreadId()), [open]);
  const onTurnEnd = useCallback(() => setListVersion((n) => n + 1), []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isNewConversationKey(event)) return;
      event.preventDefault();
      startNew();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [startNew]);

  return (
    <div className="flex min-h-0 flex-1">
      <ThreadListDrawer id={DRAWER_ID} open={drawerOpen} onClose={() => setDrawerOpen(false)} returnFocusTo={drawerButton}>
        <ThreadList
          currentId={threadId}
          refreshKey={`${listVersion}:${threadId}`}
          onOpen={open}
          onNew={startNew}
          newShortcut={NEW_CONVERSATION_KEYS}
          onDeleted={(id) => id === threadId && startNew()}
        />
      </ThreadListDrawer>
      <main className="flex min-h-0 min-w-0 flex-1 flex-col" aria-label="Chat">
        {/* On a phone the list is a drawer: this bar opens it. */}
        <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-1.5 md:hidden dark:border-zinc-800">
          <button
            ref={drawerButton}
            type="button"
            aria-expanded={drawerOpen}
            aria-controls={DRAWER_ID}
            onClick={() => setDrawerOpen(true)}
            className={TOOLBAR_BUTTON}
          >
            <span aria-hidden>☰</span> Conversations
          </button>
          <button
            type="button"
            onClick={startNew}
            aria-label="New conversation"
            aria-keyshortcuts={NEW_CONVERSATION_KEYS}
            className={TOOLBAR_BUTTON}
          >
            <span aria-hidden>+</span> New
          </button>
        </div>
        <Conversation key={threadId} threadId={threadId} onTurnEnd={onTurnEnd} />
      </main>
    </div>
  );
}
