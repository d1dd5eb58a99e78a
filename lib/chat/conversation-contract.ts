/**
 * The conversation API's contract, defined once: what GET /api/chat/threads lists, what GET
 * /api/chat/threads/{id} returns, and the body of PATCH (rename). The routes, the sidebar and the tests import it.
 */
import { z } from "zod";

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Who started it: a user id, `local` in single-user mode. */
  ownerId: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationListSchema = z.object({ conversations: z.array(conversationSummarySchema) });

export const conversationListQuerySchema = z.object({
  /** Part of the title, any case. */
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A stored message is the AI SDK UI message as the browser built it; the server checks only its outline. */
export const storedMessageSchema = z.looseObject({
  id: z.string(),
  role: z.enum(["user", "assistant", "system"]),
  parts: z.array(z.looseObject({ type: z.string() })),
});

export const conversationStateSchema = z.object({
  conversation: conversationSummarySchema.nullable(),
  messages: z.array(storedMessageSchema),
  /** The turn in flight: replay GET /api/chat/runs/{id}/stream to follow it. */
  runId: z.string().nullable(),
  /**
   * The turn in flight continues the last (assistant) message, a turn resumed after its question was answered: its
   * replay adds to that message instead of rebuilding it.
   */
  continuesReply: z.boolean().optional(),
});
export type ConversationState = z.infer<typeof conversationStateSchema>;

export const MAX_TITLE_LENGTH = 120;
/** A rename body is a title: anything much larger is not one. */
export const MAX_RENAME_BODY_BYTES = 4 * 1024;
export const renameConversationSchema = z.strictObject({ title: z.string().trim().min(1).max(MAX_TITLE_LENGTH) });
