"use client";

import { AssistantChatTransport, createResumableSessionStorage } from "@assistant-ui/react-ai-sdk";
import type { UIMessage } from "ai";
import { apiErrorOf, apiPaths } from "@/lib/api-contract";
import { conversationStateSchema } from "@/lib/chat/conversation-contract";
import { RUN_ID_HEADER } from "@/lib/chat/resume";

/**
 * What lets a conversation survive a reload and open in another tab. Its id is in the address (`?thread=`); its
 * messages come from the server (GET /api/chat/threads/{id}), which stores them as they are produced. The turn in
 * flight is reattached through assistant-ui's resumable transport: this tab keeps the run id per conversation and
 * replays GET /api/chat/runs/{id}/stream.
 */
const runKey = (threadId: string) => `elicit-chat:run:${threadId}`;

export interface ChatSession {
  threadId: string;
  messages: UIMessage[];
  /** A resumed turn is running on the server: open the conversation again shortly to show how it goes on. */
  resuming?: boolean;
}

/** The conversation named in the address, if any. */
export function threadInAddress(): string | undefined {
  return new URL(window.location.href).searchParams.get("thread") || undefined;
}

/** Puts a conversation in the address: a new history entry when switching, a replacement when only naming it. */
export function showThreadInAddress(threadId: string, how: "push" | "replace"): void {
  const url = new URL(window.location.href);
  if (url.searchParams.get("thread") === threadId) return;
  url.searchParams.set("thread", threadId);
  if (how === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

export function newThreadId(): string {
  return crypto.randomUUID();
}

/**
 * A conversation as the server has it; a new one (not stored yet, or not ours to see) starts empty. Throws when
 * the server cannot be asked, so the page can say so instead of showing an empty conversation.
 */
export async function openSession(threadId: string, signal?: AbortSignal): Promise<ChatSession> {
  const response = await fetch(apiPaths.conversation(threadId), { signal });
  if (response.status === 404) {
    forgetRun(threadId);
    return { threadId, messages: [] };
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(apiErrorOf(json)?.message ?? `The server answered ${response.status}.`);
  const state = conversationStateSchema.parse(json);
  let messages = state.messages as UIMessage[];
  if (state.runId && state.continuesReply) {
    // A turn resumed after its question waited (across a restart): its replay starts mid-reply, which the chat
    // cannot pick up, so the page shows the stored reply and opens the conversation again until the turn is done.
    forgetRun(threadId);
    return { threadId, messages, resuming: true };
  }
  if (state.runId) {
    // The replay rebuilds the turn's reply from its first chunk: the partial copy the server saved would double it.
    if (messages.at(-1)?.role === "assistant") messages = messages.slice(0, -1);
    rememberRun(threadId, state.runId);
  } else forgetRun(threadId);
  return { threadId, messages };
}

function rememberRun(threadId: string, runId: string): void {
  try {
    sessionStorage.setItem(runKey(threadId), runId);
  } catch {
    // Storage blocked: the turn's end still arrives with the next load.
  }
}

function forgetRun(threadId: string): void {
  try {
    sessionStorage.removeItem(runKey(threadId));
  } catch {
    // Storage blocked: nothing to forget.
  }
}

let unloading = false;
let listening = false;

/**
 * The chat transport's fetch: names the conversation by its own id (assistant-ui makes a new local id on every
 * load), and when Stop aborts the request, tells the server to stop the turn at once. Not when the page goes away
 * or the person switches to another conversation: the server's grace period covers those, and a tab that comes
 * back to the conversation in time follows the turn again.
 */
function chatFetch(threadId: string, detached: () => boolean, onStarted: () => void): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === "string") {
      try {
        const body = JSON.parse(init.body) as Record<string, unknown>;
        init = { ...init, body: JSON.stringify({ ...body, id: threadId }) };
      } catch {
        // Not a send request.
      }
    }
    const response = await fetch(input, init);
    const runId = response.headers.get(RUN_ID_HEADER);
    // The server stored the message before it answered: the conversation is in the list from now on.
    if (runId && response.ok) onStarted();
    const signal = init?.signal;
    if (runId && signal) {
      const stopRun = () => {
        if (!unloading && !detached()) void fetch(apiPaths.runStop(runId), { method: "POST", keepalive: true }).catch(() => {});
      };
      // After the current task: a switch unmounts the chat (and detaches) in the same task that may abort.
      signal.addEventListener("abort", () => setTimeout(stopRun, 0), { once: true });
    }
    return response;
  };
}

/** A conversation's transport; setAttached(false) once the chat showing it went away (a switch is no Stop). */
export function createChatTransport(
  threadId: string,
  onStarted: () => void = () => {},
): {
  transport: AssistantChatTransport<UIMessage>;
  setAttached: (attached: boolean) => void;
} {
  if (!listening) window.addEventListener("pagehide", () => (unloading = true));
  listening = true;
  let attached = true;
  const transport = new AssistantChatTransport<UIMessage>({
    api: apiPaths.chat,
    fetch: chatFetch(threadId, () => !attached, onStarted),
    // One run id per conversation: switching conversations never replays another's turn.
    resumable: { storage: createResumableSessionStorage({ key: runKey(threadId) }), resumeApi: apiPaths.runStream },
  });
  return { transport, setAttached: (value) => (attached = value) };
}
