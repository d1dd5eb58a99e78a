"use client";

import { AssistantChatTransport, createResumableSessionStorage } from "@assistant-ui/react-ai-sdk";
import type { UIMessage } from "ai";
import { RUN_ID_HEADER, runStopPath, runStreamPath } from "@/lib/chat/resume";

/**
 * What lets a chat survive a reload of its tab: the messages are kept in sessionStorage, and the turn in flight is
 * reattached through assistant-ui's resumable transport (it keeps the turn's run id from the response header and
 * replays GET /api/chat/runs/{id}/stream after the reload).
 */
const MESSAGES_KEY = "elicit-chat:messages";
const THREAD_KEY = "elicit-chat:thread";

/**
 * This tab's conversation id. assistant-ui makes a new local thread id on every page load; the server keys each
 * conversation's own MCP connections (and its pending list) by this id, so it must outlive a reload like the messages.
 */
function threadId(): string {
  let id = sessionStorage.getItem(THREAD_KEY);
  if (!id) {
    id = crypto.randomUUID();
    sessionStorage.setItem(THREAD_KEY, id);
  }
  return id;
}

export function loadMessages(): UIMessage[] {
  try {
    const saved = JSON.parse(sessionStorage.getItem(MESSAGES_KEY) ?? "[]");
    return Array.isArray(saved) ? (saved as UIMessage[]) : [];
  } catch {
    return [];
  }
}

export function saveMessages(messages: readonly UIMessage[]): void {
  try {
    sessionStorage.setItem(MESSAGES_KEY, JSON.stringify(messages));
  } catch {
    // Storage full or blocked: the chat still works, it just will not survive a reload.
  }
}

let unloading = false;

/**
 * fetch for the chat transport. It saves the history being sent, names the conversation by this tab's id, and when
 * the request is aborted by Stop (not by the page going away, which the server's grace period covers), it tells
 * the server to stop the turn at once.
 */
const chatFetch: typeof fetch = async (input, init) => {
  if (typeof init?.body === "string") {
    try {
      const body = JSON.parse(init.body) as { id?: string; messages?: UIMessage[] };
      if (Array.isArray(body.messages)) saveMessages(body.messages);
      init = { ...init, body: JSON.stringify({ ...body, id: threadId() }) };
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
        if (!unloading) void fetch(runStopPath(runId), { method: "POST", keepalive: true }).catch(() => {});
      },
      { once: true },
    );
  }
  return response;
};

export function createChatTransport(): AssistantChatTransport<UIMessage> {
  window.addEventListener("pagehide", () => (unloading = true));
  return new AssistantChatTransport({
    api: "/api/chat",
    fetch: chatFetch,
    resumable: { storage: createResumableSessionStorage({ key: "elicit-chat:run" }), resumeApi: runStreamPath },
  });
}
