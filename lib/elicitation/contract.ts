/**
 * The elicitation contract, defined once: the `data-elicitation` part the chat stream carries, the body of
 * POST /api/elicitations/{id}, and the outcomes. The route, the card and the tests all import from here.
 */
import { z } from "zod";

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

export const elicitationDataSchema = z.object({
  id: z.string(),
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
  status: elicitationStatusSchema,
  createdAt: z.number(),
  /** Epoch milliseconds at which the request is answered with `cancel` and shown as expired. */
  expiresAt: z.number(),
  /** Set once settled: how it ended, e.g. "the chat request was closed". */
  note: z.string().optional(),
});
export type ElicitationData = z.infer<typeof elicitationDataSchema>;

/** The body of POST /api/elicitations/{id}. Only accept carries content; decline and cancel carry none. */
export const elicitationAnswerSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("accept"), content: elicitationContentSchema.optional() }),
  z.strictObject({ action: z.literal("decline") }),
  z.strictObject({ action: z.literal("cancel") }),
]);
export type ElicitationAnswer = z.infer<typeof elicitationAnswerSchema>;

/** What POST /api/elicitations/{id} returns on success and, with 409, when someone answered first. */
export const elicitationOutcomeSchema = z.object({
  id: z.string(),
  status: elicitationStatusSchema.exclude(["pending"]),
  answeredAt: z.number(),
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
