/**
 * The contract of the app's own MCP server, "people" (/api/mcp): the tools an agent calls to ask the team's
 * reviewers, their input and output schemas, and what a stored request looks like. Defined once; the server,
 * the store and the tests import it.
 */
import "server-only";
import { z } from "zod";
import { elicitationContentSchema, requestedSchemaSchema, submissionFormatSchema, type Submission } from "@/lib/elicitation/contract";

/** The serverName its questions carry: what routing rules and the inbox see as the asking server. */
export const PEOPLE_SERVER_NAME = "people";

/**
 * The conversation id of an agent's requests (`mcp:<user id>`): one per key's user, so the pending limit per
 * conversation is one per agent. Chats may not use the prefix: a chat made with such an id would sit beside the
 * agent's questions (lib/chat/conversations.ts, app/api/chat/schema.ts).
 */
export const AGENT_THREAD_PREFIX = "mcp:";

/** The optional comment every people-server form carries beside the answer: each approver's own, not the answer. */
export const COMMENT_FIELD = "comment";

export const ASK_HUMAN_TOOL = "ask_human";
export const GET_REQUEST_TOOL = "get_request";
export const LIST_REQUESTS_TOOL = "list_requests";
export const CANCEL_REQUEST_TOOL = "cancel_request";
export const REQUEST_REVIEW_TOOL = "request_review";

/** The most content one review may carry: an edit travels back in an answer body (at most 64 KiB). */
export const MAX_SUBMISSION_CHARS = 40_000;
export const MAX_SUBMISSION_BYTES = 48 * 1024;

/** Without a deadline a question waits this long; longer ones are refused (a live process holds them). */
export const DEFAULT_DEADLINE_MS = 60 * 60_000;
export const MAX_DEADLINE_MS = 7 * 24 * 60 * 60_000;
export const MIN_DEADLINE_MS = 1_000;

export const answerFormatSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }).describe("Free text (markdown)."),
  z
    .strictObject({ type: z.literal("choice"), options: z.array(z.string().min(1).max(200)).min(2).max(20) })
    .describe("One of these options."),
  z
    .strictObject({ type: z.literal("form"), schema: requestedSchemaSchema })
    .describe("A small form: an MCP elicitation requestedSchema (a flat object of string, number, boolean and enum fields)."),
]);
export type AnswerFormat = z.infer<typeof answerFormatSchema>;

export const urgencySchema = z.enum(["low", "normal", "high"]);
export type Urgency = z.infer<typeof urgencySchema>;

/** What ask_human and request_review share: who it needs, how soon, and whether the call waits. */
const routingInputShape = {
  specialty: z.string().trim().min(1).max(60).optional().describe("The expertise it needs, e.g. security, legal, finance."),
  urgency: urgencySchema.optional().describe("How soon it matters; normal when omitted."),
  deadline: z
    .union([z.string().min(1).max(40), z.number().positive()])
    .optional()
    .describe("When to stop waiting: an ISO 8601 time, or seconds from now. One hour when omitted."),
  wait: z.boolean().optional().describe("true (default): return with the answer or at the deadline; false: return the id at once."),
};

export const askHumanInputShape = {
  question: z.string().trim().min(1).max(4_000).describe("What to ask, in one or two sentences."),
  context: z.string().max(20_000).optional().describe("Background the expert needs (markdown)."),
  answer: answerFormatSchema.optional().describe("The answer wanted; free text when omitted."),
  ...routingInputShape,
};

export const requestReviewInputShape = {
  content: z.string().min(1).max(MAX_SUBMISSION_CHARS).describe("What to check before it reaches anyone."),
  format: submissionFormatSchema.optional().describe("How to show and edit it: text (default), markdown or json."),
  criteria: z.string().trim().min(1).max(4_000).optional().describe("What the reviewer checks it against."),
  title: z.string().trim().min(1).max(200).optional().describe("What it is, e.g. 'Release notes for 2.3'."),
  ...routingInputShape,
};

/** A reviewer's decision: approved as submitted, approved with their edits, or rejected with reasons. */
export const verdictSchema = z.enum(["approved", "edited", "rejected"]);
export type Verdict = z.infer<typeof verdictSchema>;

/** How a request stands: `answered` and `declined` are a person's; `expired` means nobody answered in time. */
export const requestStatusSchema = z.enum(["pending", "answered", "declined", "cancelled", "expired"]);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const answeredBySchema = z.object({ name: z.string(), role: z.string() });

/** The answer: the text or the chosen option, or the form's content. */
export const answerValueSchema = z.union([z.string(), elicitationContentSchema]);

export const requestOutcomeShape = {
  id: z.string(),
  status: requestStatusSchema,
  answer: answerValueSchema.optional(),
  answeredBy: answeredBySchema.optional(),
  /** ISO 8601. */
  answeredAt: z.string().optional(),
  comment: z.string().optional(),
  /** Why it ended without an answer, e.g. "nobody answered in time". */
  note: z.string().optional(),
  /** Why a person declined it (a rejected review, a declined question), when they said. */
  reasons: z.string().optional(),
  /** request_review: the decision, and the content as approved (edited or not); `diff` when it was edited. */
  verdict: verdictSchema.optional(),
  content: z.string().optional(),
  /** A unified diff from the submitted content to the edited one. */
  diff: z.string().optional(),
};
export const requestOutcomeSchema = z.object(requestOutcomeShape);
export type RequestOutcome = z.infer<typeof requestOutcomeSchema>;

export const listRequestsOutputShape = {
  requests: z.array(
    requestOutcomeSchema.extend({
      question: z.string(),
      specialty: z.string().optional(),
      createdAt: z.string(),
      deadline: z.string(),
    }),
  ),
};

/** A request as kept in storage: what was asked, by whom, and once settled, the answer. */
export interface HumanRequest {
  id: string;
  requesterId: string;
  question: string;
  context?: string;
  answerFormat: AnswerFormat;
  specialty?: string;
  urgency: Urgency;
  status: RequestStatus;
  createdAt: number;
  deadlineAt: number;
  answer?: string | Record<string, unknown>;
  answeredBy?: { name: string; role: string };
  answeredAt?: number;
  comment?: string;
  note?: string;
  reasons?: string;
  /** request_review only: what was submitted. Its approved content is kept in `answer`. */
  submission?: Submission;
  verdict?: Verdict;
  /** verdict edited: the unified diff from the submission to `answer`. */
  diff?: string;
}

/** How a request settled, as the store records it. */
export type HumanRequestSettlement = Pick<
  HumanRequest,
  "status" | "answer" | "answeredBy" | "answeredAt" | "comment" | "note" | "reasons" | "verdict" | "diff"
>;
