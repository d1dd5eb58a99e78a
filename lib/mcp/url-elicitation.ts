import "server-only";
import type { ChatTurn } from "@/lib/chat/turns";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";

/** MCP's URLElicitationRequiredError: the call needs browser steps first (2025-11-25). */
export const URL_ELICITATION_REQUIRED = -32042;

/** URL requests ask for no fields. */
export const NO_FIELDS = { type: "object" as const, properties: {} };

/** Only http(s) URLs are ever shown as openable; anything else (javascript:, data:, file:) is refused. */
export function safeHttpUrl(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

interface UrlRequest {
  url?: unknown;
  message?: unknown;
}

function urlRequestsOf(error: unknown): UrlRequest[] | undefined {
  if (!error || typeof error !== "object" || (error as { code?: unknown }).code !== URL_ELICITATION_REQUIRED) return undefined;
  const list = (error as { data?: { elicitations?: unknown } }).data?.elicitations;
  return Array.isArray(list) ? (list as UrlRequest[]) : [];
}

/**
 * A tool call that failed with -32042 carries URL requests the person must complete before a retry can work.
 * Shows each as a URL card in the run's conversation and returns what the model is told instead of an error;
 * returns undefined for any other error. The cards do not block anything: consent opens the page, that is all.
 */
export function showRequiredUrls(
  error: unknown,
  deps: { run: ChatTurn; serverName: string; registry: ElicitationRegistry; timeoutMs: number },
): { content: Array<{ type: "text"; text: string }>; isError: true } | undefined {
  const requests = urlRequestsOf(error);
  if (!requests) return undefined;
  const shown: string[] = [];
  for (const request of requests) {
    const url = safeHttpUrl(request.url);
    if (!url) continue;
    shown.push(url);
    deps.registry.open({
      threadId: deps.run.threadId,
      requesterId: deps.run.ownerId,
      requesterName: deps.run.ownerName,
      serverName: deps.serverName,
      message: typeof request.message === "string" ? request.message : "Open this page to continue.",
      mode: "url",
      url,
      requestedSchema: NO_FIELDS,
      timeoutMs: deps.timeoutMs,
      onChange: (data) => deps.run.showElicitation(data),
    });
  }
  const text = shown.length
    ? `The server needs the user to complete ${shown.length} step(s) in the browser first (${shown.join(", ")}); ` +
      "they are shown as cards in the chat. Ask the user to complete them, then call the tool again."
    : "The server asked for browser steps, but gave no usable http(s) address.";
  return { content: [{ type: "text", text }], isError: true };
}
