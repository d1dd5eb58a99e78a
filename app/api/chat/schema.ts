import { z } from "zod";
import { AGENT_THREAD_PREFIX } from "@/lib/experts/contract";

export const MAX_CHAT_BODY_BYTES = 4 * 1024 * 1024;

const uiMessageSchema = z.looseObject({
  id: z.string(),
  role: z.enum(["user", "assistant", "system"]),
  parts: z.array(z.looseObject({ type: z.string() })),
});

/** What the AI SDK chat transport (via assistant-ui) posts: the thread id and the whole message history. */
export const chatRequestSchema = z.looseObject({
  id: z
    .string()
    .min(1)
    .max(200)
    .refine((id) => !id.startsWith(AGENT_THREAD_PREFIX), `conversation ids starting with ${AGENT_THREAD_PREFIX} are agents'`),
  messages: z.array(uiMessageSchema).min(1).max(2_000),
});
