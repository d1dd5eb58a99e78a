"use client";

import { AssistantChatTransport, createResumableSessionStorage } from "@assistant-ui/react-ai-sdk";
import type { UIMessage } from "ai";
import { apiPaths } from "@/lib/api-contract";
import { RUN_ID_HEADER } from "@/lib/chat/resume";

/**
 * What lets a conversation survive a reload and open in another tab. Its id is in the address (`?thread=`); this
 * tab keeps its messages in sessionStorage; the server keeps the latest state too (GET /api/chat/threads/{id}) for
 * tabs that have none. The turn in flight is reattached through assistant-ui's resumable transport: it keeps the
 * run id and replays GET /api/chat/runs/{id}/stream.
 */
const RUN_KEY = "elicit-chat:run";
const messagesKey = (thread: string) => `elicit-chat:messages:${thread}`;

export interface ChatSession {
  threadId: string;
  messages: UIMessage[];
}

function readMessages(thread: string): UIMessage[] | undefined {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(messagesKey(thread)) ?? "null");
    return Array.isArray(saved) ? (saved as UIMessage[]) : undefined;
  } catch {
    return undefined;
  }
}

export function saveMessages(thread: string, messages: readonly UIMessage[]): void {
  try {
    sessionStorage.setItem(messagesKey(thread), JSON.stringify(messages));
  } catch {
    // Storage full or blocked: the chat still works; the server's copy still serves a reload.
  }
}

/** The conversation this tab shows: the one in the address, else a new one (then put in the address). */
export async function openSession(): Promise<ChatSession> {
  const url = new URL(window.location.href);
  const threadId = url.searchParams.get("thread") || crypto.randomUUID();
  if (url.searchParams.get("thread") !== threadId) {
    url.searchParams.set("thread", threadId);
    window.history.replaceState(null, "", url);
  }
  const own = readMessages(threadId);
  if (own) return { threadId, messages: own };
  // Another tab's conversation (or this tab's, from before its storage was cleared): ask the server.
  const response = await fetch(apiPaths.conversation(threadId)).catch(() => undefined);
  const state = (await response?.json().catch(() => undefined)) as { messages?: UIMessage[]; runId?: string | null } | undefined;
  if (state?.runId) sessionStorage.setItem(RUN_KEY, state.runId);
  return { threadId, messages: Array.isArray(state?.messages) ? state.messages : [] };
}

let unloading = false;

/**
 * The chat transport's fetch: saves the history being sent, names the conversation by its own id (assistant-ui
 * makes a new local id on every load), and when Stop aborts the request (not the page going away, which the
 * server's grace period covers), tells the server to stop the turn at once.
 */
function chatFetch(threadId: string): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === "string") {
      try {
        const body = JSON.parse(init.body) as { messages?: UIMessage[] };
        if (Array.isArray(body.messages)) saveMessages(threadId, body.messages);
        init = { ...init, body: JSON.stringify({ ...body, id: threadId }) };
      } catch {
        // Not a send request.
      }
    }
    const response = await fetch(input, init);
    const runId = response.headers.get(RUN_ID_HEADER);
    if (runId && init?.signal) {
      init.signal.addEventListener(
        "abort",
        () => {
          if (!unloading) void fetch(apiPaths.runStop(runId), { method: "POST", keepalive: true }).catch(() => {});
        },
        { once: true },
      );
    }
    return response;
  };
}

export function createChatTransport(threadId: string): AssistantChatTransport<UIMessage> {
  window.addEventListener("pagehide", () => (unloading = true));
  return new AssistantChatTransport({
    api: apiPaths.chat,
    fetch: chatFetch(threadId),
    resumable: { storage: createResumableSessionStorage({ key: RUN_KEY }), resumeApi: apiPaths.runStream },
  });
}
