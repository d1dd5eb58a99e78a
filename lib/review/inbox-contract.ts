/**
 * The inbox's items and server-sent events (browser-safe). Apart from ./contract because they carry the whole
 * card (ElicitationData), whose contract in turn carries the review state.
 */
import { z } from "zod";
import { elicitationDataSchema } from "@/lib/elicitation/contract";

/** One pending question in someone's inbox. */
export const inboxItemSchema = z.object({
  data: elicitationDataSchema,
  /** Who asked (a user id; `local` in single-user mode). */
  requesterId: z.string(),
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
