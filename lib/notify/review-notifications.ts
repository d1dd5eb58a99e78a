import "server-only";
import type { ElicitationData } from "@/lib/elicitation/contract";
import type { ReviewEvent } from "@/lib/review/desk-contract";
import type { Notifier } from "./notifier";

export interface ReviewNotificationDeps {
  review: { onEvent(listener: (event: ReviewEvent) => void): () => void };
  /** The question as it is now (pending questions are in the registry). */
  question: (id: string) => ElicitationData | undefined;
  /** A user's name for "who asked"; undefined: the id is shown. */
  nameOf: (userId: string) => Promise<string | undefined>;
  notifier: Notifier;
  warn?: (message: string) => void;
}

/**
 * Announces the review desk's routed and escalated questions through the notifier. Runs beside the question, never
 * in its way: the requester's name is looked up after the event, and notify() itself returns at once.
 * Returns the way to stop.
 */
export function notifyReviewEvents(deps: ReviewNotificationDeps): () => void {
  const warn = deps.warn ?? ((message: string) => console.warn(`[notify] ${message}`));
  return deps.review.onEvent((event) => {
    if (!deps.notifier.enabled) return;
    const data = deps.question(event.questionId);
    const link = deps.notifier.linkFor(event.questionId);
    if (!data || !link)
      return warn(`question ${event.questionId} ${event.type}: not announced (${data ? "no PUBLIC_URL" : "no longer pending"})`);
    void deps
      .nameOf(event.requesterId)
      .catch(() => undefined)
      .then((name) =>
        deps.notifier.notify({
          type: event.type,
          questionId: data.id,
          conversationId: data.threadId,
          serverName: data.serverName,
          ...(data.toolCall && { toolName: data.toolCall.toolName }),
          message: data.message,
          ...(data.risk !== undefined && { risk: data.risk }),
          ...(data.command !== undefined && { command: data.command }),
          requester: name ?? event.requesterId,
          recipients: event.to,
          link,
        }),
      );
  });
}
