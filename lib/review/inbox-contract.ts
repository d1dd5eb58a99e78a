/**
 * The inbox's items and server-sent events (browser-safe). Apart from ./contract because they carry the whole
 * card (ElicitationData), whose contract in turn carries the review state.
 */
import { z } from "zod";
import { elicitationDataSchema } from "@/lib/elicitation/contract";
import type { InboxQuery } from "@/lib/review/contract";

/** One pending question in someone's inbox. */
export const inboxItemSchema = z.object({
  data: elicitationDataSchema,
  /** Who asked (a user id; `local` in single-user mode). */
  requesterId: z.string(),
  /** Their name, e.g. "alice" (the id until it is known). */
  requesterName: z.string(),
  /** Whether the person viewing may answer it (an admin sees every question, and answers only those routed to them). */
  mayAnswer: z.boolean(),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

export const inboxListSchema = z.object({ items: z.array(inboxItemSchema) });

/** GET /api/inbox/stream: a snapshot first, then each change, as `data:` lines of these. */
export const inboxEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), items: z.array(inboxItemSchema) }),
  /** A question arrived, or changed (an approval, an escalation). */
  z.object({ type: z.literal("upsert"), item: inboxItemSchema }),
  /** A question left the inbox: settled (with its card's final state) or no longer routed to the viewer. */
  z.object({ type: z.literal("remove"), id: z.string(), data: elicitationDataSchema.optional() }),
]);
export type InboxEvent = z.infer<typeof inboxEventSchema>;

/** What the inbox's filters mean, the same in GET /api/inbox and in the page: every filter given must hold. */
export function matchesInboxQuery(item: InboxItem, query: InboxQuery): boolean {
  const has = (text: string | undefined, part: string | undefined) =>
    !part || (text ?? "").toLowerCase().includes(part.trim().toLowerCase());
  const { data } = item;
  return (
    (!query.server || data.serverName === query.server) &&
    (!query.tool || data.toolCall?.toolName === query.tool) &&
    has(data.risk, query.risk) &&
    (!query.requester || item.requesterId === query.requester || item.requesterName === query.requester) &&
    (has(data.message, query.q) || (!!query.q && has(data.command, query.q)))
  );
}
