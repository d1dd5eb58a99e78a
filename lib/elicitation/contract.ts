/**
 * The elicitation contract, defined once: the `data-elicitation` part the chat stream carries, the body of
 * POST /api/elicitations/{id}, and the outcomes. The route, the card and the tests all import from here.
 */
import { z } from "zod";
import { reviewStateSchema } from "@/lib/review/contract";

export const ELICITATION_PART_NAME = "elicitation";
export const ELICITATION_PART_TYPE = `data-${ELICITATION_PART_NAME}` as const;

export const elicitationActionSchema = z.enum(["accept", "decline", "cancel"]);
export type ElicitationAction = z.infer<typeof elicitationActionSchema>;

/** `pending` until settled; `expired` is a cancel the server sent because nobody answered in time. */
export const elicitationStatusSchema = z.enum(["pending", "accepted", "declined", "cancelled", "expired"]);
export type ElicitationStatus = z.infer<typeof elicitationStatusSchema>;

export const STATUS_BY_ACTION = {
  accept: "accepted",
  decline: "declined",
  cancel: "cancelled",
} as const satisfies Record<ElicitationAction, ElicitationStatus>;

/** The values MCP allows in form content: primitives and string arrays (multi-select). */
export const contentValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export const elicitationContentSchema = z.record(z.string(), contentValueSchema);
export type ElicitationContent = z.infer<typeof elicitationContentSchema>;

/** A form's requested schema as MCP sends it: a flat object of primitive properties. */
export const requestedSchemaSchema = z.looseObject({
  type: z.literal("object"),
  properties: z.record(z.string(), z.looseObject({ type: z.string().optional() })),
  required: z.array(z.string()).optional(),
});
export type RequestedSchema = z.infer<typeof requestedSchemaSchema>;

export const elicitationModeSchema = z.enum(["form", "url"]);

/**
 * question: an MCP server asked (an elicitation). tool-call: the app's own approval gate asks before calling a tool
 * of a server from mcp.json (see lib/mcp/tool-approval.ts); the answer carries the (maybe edited) arguments.
 */
export const elicitationKindSchema = z.enum(["question", "tool-call"]);

/** A JSON object: tool arguments, annotations and schemas as the MCP server sent them. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** What a tool-call card shows: who, what, why, and the arguments the model proposed. */
export const toolCallRequestSchema = z.object({
  /** The server's own name for the tool (not the `${server}_${tool}` name the model sees). */
  toolName: z.string(),
  description: z.string().optional(),
  /** As the server declared them; they are hints from the server, shown as such. */
  annotations: jsonObjectSchema.optional(),
  arguments: jsonObjectSchema,
  /** The tool's inputSchema: edited arguments are checked against it in the browser and again on the server. */
  inputSchema: jsonObjectSchema,
  /** Why the gate asks, e.g. "it is annotated destructive". */
  reason: z.string(),
  /** Whether the card may offer "always allow this tool in this conversation". */
  rememberable: z.boolean(),
  /** The model's tool call this card guards, so the card can be matched with its tool part. */
  toolCallId: z.string().optional(),
});
export type ToolCallRequest = z.infer<typeof toolCallRequestSchema>;

/** What an accept approved, recorded on the card: the command or arguments as sent, and whether they were edited. */
export const approvedSchema = z.object({
  command: z.string().optional(),
  arguments: jsonObjectSchema.optional(),
  edited: z.boolean(),
  /** "Always allow this tool in this conversation" was chosen with the accept. */
  remember: z.boolean().optional(),
});
export type Approved = z.infer<typeof approvedSchema>;

/** What happened after an accept, when the app knows it (tool-call cards): whether the call was made at all. */
export const callResultSchema = z.object({ called: z.boolean(), summary: z.string() });
export type CallResult = z.infer<typeof callResultSchema>;

/** Content an agent wants checked before it reaches anyone (request_review): shown, editable, and diffed on the card. */
export const submissionFormatSchema = z.enum(["text", "markdown", "json"]);
export const submissionSchema = z.object({
  content: z.string(),
  format: submissionFormatSchema,
  /** What the reviewer checks it against, e.g. "no customer names; figures match the Q3 report". */
  criteria: z.string().optional(),
});
export type Submission = z.infer<typeof submissionSchema>;

/** The form field a submission's accept carries: the content as approved (edited, or as submitted). */
export const SUBMISSION_CONTENT_FIELD = "content";

export const elicitationDataSchema = z.object({
  id: z.string(),
  kind: elicitationKindSchema.default("question"),
  /** form: fields to fill (maybe none: a plain yes/no); url: a page to open in the browser, after consent. */
  mode: elicitationModeSchema,
  /** URL mode only: the page the server wants the person to visit. Never fetched or opened without consent. */
  url: z.string().optional(),
  threadId: z.string(),
  /** The MCP server's configured name, e.g. "shell": who is asking. */
  serverName: z.string(),
  message: z.string(),
  requestedSchema: requestedSchemaSchema,
  /** For servers that say what they will run (ours does, in `_meta`): shown verbatim on the card. */
  command: z.string().optional(),
  /** Why approval is needed, e.g. "deletes files: rm -rf build". */
  risk: z.string().optional(),
  /** The expertise a question asked through /api/mcp needs (e.g. "security"): what routing rules can match. */
  specialty: z.string().max(60).optional(),
  /** Set for a request_review (lib/experts): the content to approve, edit or reject. */
  submission: submissionSchema.optional(),
  status: elicitationStatusSchema,
  createdAt: z.number(),
  /** Epoch milliseconds at which the request is answered with `cancel` and shown as expired. */
  expiresAt: z.number(),
  /** Set once settled: how it ended, e.g. "the turn was stopped". */
  note: z.string().optional(),
  /** kind "tool-call" only: the call waiting for a yes. */
  toolCall: toolCallRequestSchema.optional(),
  /** Set by an accept. */
  approved: approvedSchema.optional(),
  /** Who answered (a user's name; absent in single-user mode and when nobody answered). */
  answeredBy: z.string().optional(),
  /** Set after an accepted tool call was made, or was not (e.g. the turn was stopped first). */
  result: callResultSchema.optional(),
  /** Set when a routing rule sends it to reviewers (lib/review): who may answer, approvals so far, the deadline. */
  review: reviewStateSchema.optional(),
  /**
   * True when its tool call is suspended in storage (MCP 2026-07-28 `input_required`): it survives restarts and
   * waits until `expiresAt`. Otherwise a live request holds it, and a restart ends it.
   */
  durable: z.boolean().optional(),
  /**
   * True for a request an agent made through /api/mcp (lib/experts): its request is kept in storage, and a restart
   * shows it again, answerable until its deadline. Unlike a durable one, nothing is suspended: it ends on its timer.
   */
  kept: z.boolean().optional(),
});
export type ElicitationData = z.infer<typeof elicitationDataSchema>;

/**
 * The body of POST /api/elicitations/{id}. An accept's `content` answers a question's form; `arguments` (edited,
 * omitted means as shown) and `remember` answer a tool-call card; each is refused on the other. A decline may say
 * why (`reason`): it is kept on the card and the trail, and returned to agents that asked through /api/mcp (an MCP
 * server's elicitation gets a plain decline: the protocol has no place for it).
 */
export const elicitationAnswerSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("accept"),
    content: elicitationContentSchema.optional(),
    arguments: jsonObjectSchema.optional(),
    remember: z.boolean().optional(),
  }),
  z.strictObject({ action: z.literal("decline"), reason: z.string().trim().min(1).max(4_000).optional() }),
  z.strictObject({ action: z.literal("cancel") }),
]);
export type ElicitationAnswer = z.infer<typeof elicitationAnswerSchema>;

/** What POST /api/elicitations/{id} returns on success and, with 409, when someone answered first. */
export const elicitationOutcomeSchema = z.object({
  id: z.string(),
  status: elicitationStatusSchema.exclude(["pending"]),
  answeredAt: z.number(),
  /** How it ended when no person answered, e.g. "the turn was stopped": for a tab whose stream ended first. */
  note: z.string().optional(),
  answeredBy: z.string().optional(),
  /** Tool-call cards: whether the accepted call was made (known once it was, or was not). */
  result: callResultSchema.optional(),
});
export type ElicitationOutcome = z.infer<typeof elicitationOutcomeSchema>;

export const MAX_ANSWER_BYTES = 64 * 1024;

/** GET /api/elicitations?threadId=...: what a conversation has waiting, for a reloaded or second tab. */
export const pendingListQuerySchema = z.object({ threadId: z.string().min(1).max(200) });

/** GET /api/elicitations/{id}: the request while it waits, or its outcome once settled. */
export const elicitationStateSchema = z.union([
  z.object({ pending: elicitationDataSchema }),
  z.object({ settled: elicitationOutcomeSchema }),
]);
export type ElicitationState = z.infer<typeof elicitationStateSchema>;
