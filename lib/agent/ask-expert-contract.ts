/**
 * The chat agent's built-in ask_expert tool, defined once (browser-safe): its input and output, and the
 * `data-expert-status` part that carries a waiting question's live status into the chat. The tool
 * (ask-expert-tool.ts), the offline model, the card (components/ask-expert-tool-ui.tsx) and the tests import it.
 */
import { z } from "zod";
import { elicitationStatusSchema } from "@/lib/elicitation/contract";
import { reviewStateSchema } from "@/lib/review/contract";

/** The name the model sees: built in, so no `${server}_` prefix. */
export const ASK_EXPERT_TOOL = "ask_expert";

export const EXPERT_STATUS_PART_NAME = "expert-status";
export const EXPERT_STATUS_PART_TYPE = `data-${EXPERT_STATUS_PART_NAME}` as const;

/** Small on purpose: what a model can fill reliably. The answer is free text (ask_human over /api/mcp does more). */
export const askExpertInputSchema = z.object({
  question: z.string().trim().min(1).max(4_000).describe("What to ask the expert, in one or two sentences."),
  specialty: z.string().trim().min(1).max(60).describe("The expertise it needs, e.g. security, legal, finance."),
  context: z.string().max(20_000).optional().describe("Background the expert needs (markdown)."),
  urgency: z.enum(["low", "normal", "high"]).optional().describe("How soon it matters; normal when omitted."),
  deadline: z.number().positive().optional().describe("Seconds to wait for an answer; one hour when omitted, at most seven days."),
});
export type AskExpertInput = z.infer<typeof askExpertInputSchema>;

/** How the question ended: answered and declined are a person's; expired means nobody answered in time. */
export const expertOutcomeStatusSchema = z.enum(["answered", "declined", "cancelled", "expired"]);

export const askExpertOutputSchema = z.object({
  /** The question's id (in the inbox, the audit trail and GET /api/elicitations/{id}). */
  id: z.string(),
  specialty: z.string(),
  status: expertOutcomeStatusSchema,
  /** The expert's answer (markdown); only with status answered. */
  answer: z.string().optional(),
  /** Who answered or declined: their name ("bob", or "bob and carol" under four eyes) and role. */
  answeredBy: z.object({ name: z.string(), role: z.string() }).optional(),
  /** ISO 8601. */
  answeredAt: z.string().optional(),
  comment: z.string().optional(),
  /** Why the expert declined, when they said. */
  reasons: z.string().optional(),
  /** Why it ended without an answer, e.g. "nobody answered in time". */
  note: z.string().optional(),
});
export type AskExpertOutput = z.infer<typeof askExpertOutputSchema>;

/** A waiting question as the chat sees it, updated in place (same part id) at every change. */
export const expertStatusSchema = z.object({
  /** The model's tool call it belongs to: how the card finds it among the message's parts. */
  toolCallId: z.string(),
  requestId: z.string(),
  specialty: z.string(),
  status: elicitationStatusSchema,
  /** Who it is routed to, approvals so far, escalation (absent when no routing rule matched). */
  review: reviewStateSchema.optional(),
  expiresAt: z.number(),
  note: z.string().optional(),
});
export type ExpertStatus = z.infer<typeof expertStatusSchema>;
