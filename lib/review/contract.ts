/**
 * The review contract, defined once (browser-safe): what a routed question's card records (`data.review`), the
 * inbox's items, queries and server-sent events, and the answer to an accept that still needs more approvers.
 */
import { z } from "zod";

export const approvalSchema = z.object({
  /** The approver's name, as cards show it. */
  by: z.string(),
  at: z.number(),
});
export type Approval = z.infer<typeof approvalSchema>;

/** How a question was routed, kept on its card and updated live (approvals, escalation). */
export const reviewStateSchema = z.object({
  /** Users and groups who may answer, as the routing file names them (escalation adds its own). */
  routedTo: z.array(z.string()),
  /** Different people who must accept before it is accepted (four eyes: 2). */
  approvalsNeeded: z.number().int().min(1).max(5),
  /** Accepts so far, all of the same answer (an edit starts the count again). */
  approvals: z.array(approvalSchema),
  requesterMayAnswer: z.boolean(),
  /** When it escalates, if its rule has a deadline. */
  deadlineAt: z.number().optional(),
  /** Who it escalates to at the deadline. */
  escalateTo: z.array(z.string()).optional(),
  escalated: z.boolean(),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

/** What POST /api/elicitations/{id} answers (202) to an accept that still waits for other approvers. */
export const partialApprovalSchema = z.object({
  id: z.string(),
  status: z.literal("pending"),
  review: reviewStateSchema,
});
export type PartialApproval = z.infer<typeof partialApprovalSchema>;

/** GET /api/inbox filters; every one optional, all must hold. */
export const inboxQuerySchema = z.object({
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  /** Part of the risk label, any case (e.g. "deletes"). */
  risk: z.string().max(200).optional(),
  requester: z.string().max(200).optional(),
  /** Part of the message or command, any case. */
  q: z.string().max(200).optional(),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

/** "The question of this id" in the inbox's addresses. */
export const questionIdSchema = z.string().min(1).max(200);

/** Last messages of a question's conversation, as context for its reviewer (text only). */
export const contextMessageSchema = z.object({ id: z.string(), role: z.enum(["user", "assistant", "system"]), text: z.string() });
export const questionContextSchema = z.object({ messages: z.array(contextMessageSchema) });
export type QuestionContext = z.infer<typeof questionContextSchema>;

export const inboxPaths = {
  page: (questionId?: string) => (questionId ? `/inbox?${new URLSearchParams({ question: questionId })}` : "/inbox"),
  list: "/api/inbox",
  stream: "/api/inbox/stream",
  context: (questionId: string) => `/api/inbox/${encodeURIComponent(questionId)}/context`,
} as const;
