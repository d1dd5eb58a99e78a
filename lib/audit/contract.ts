/**
 * The audit trail's contract, defined once: an entry as GET /api/audit and the exports show it, the query its
 * filters take (the API, the /audit page and `npm run audit -- export`), and the verify result. Browser-safe.
 */
import { z } from "zod";

/** Every kind of entry. Other services add routed, escalated and notified through AuditTrail.record(). */
export const AUDIT_ENTRY_TYPES = [
  "asked",
  "routed",
  "escalated",
  "notified",
  /** One person's accept under four eyes, before enough people have approved. */
  "approved",
  "answered",
  "expired",
  "cancelled",
  "aborted",
  "rate-limited",
  "reported",
  "ran",
  "not-run",
] as const;
export const auditEntryTypeSchema = z.enum(AUDIT_ENTRY_TYPES);
export type AuditEntryType = z.infer<typeof auditEntryTypeSchema>;

/** Who did something when no person did: the timeout, a restart, a server's tool result. */
export const SYSTEM_ACTOR = "system";

/** What replaces a sensitive value in an entry's details. */
export const REDACTED = "[redacted]";

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  /** Epoch milliseconds. */
  at: z.number(),
  type: z.string(),
  questionId: z.string().nullable(),
  conversationId: z.string().nullable(),
  /** A user id, or `system`. */
  actor: z.string(),
  serverName: z.string().nullable(),
  toolName: z.string().nullable(),
  outcome: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** The columns of the CSV export, in order (details as JSON text). */
export const AUDIT_CSV_COLUMNS = [
  "seq",
  "at",
  "type",
  "questionId",
  "conversationId",
  "actor",
  "serverName",
  "toolName",
  "outcome",
  "details",
  "prevHash",
  "hash",
] as const satisfies ReadonlyArray<keyof AuditEntry>;

/** A time as epoch milliseconds or anything Date parses (ISO 8601; a datetime-local value is the server's local time). */
const instantSchema = z
  .string()
  .trim()
  .max(40)
  .transform((text, context) => {
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(ms)) {
      context.addIssue({ code: "custom", message: "not a time (give ISO 8601 or epoch milliseconds)" });
      return z.NEVER;
    }
    return ms;
  });

/** An empty form field means "no filter". */
const optionalText = (max: number) =>
  z.preprocess((value) => (value === "" ? undefined : value), z.string().trim().min(1).max(max).optional());
const optionalInstant = z.preprocess((value) => (value === "" ? undefined : value), instantSchema.optional());

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_MAX_PAGE_SIZE = 500;

/** GET /api/audit's query, and the /audit page's. Every filter is exact; `from` and `to` bound `at` (inclusive). */
export const auditQuerySchema = z.object({
  server: optionalText(200),
  outcome: optionalText(200),
  actor: optionalText(200),
  type: z.preprocess((value) => (value === "" ? undefined : value), auditEntryTypeSchema.optional()),
  from: optionalInstant,
  to: optionalInstant,
  limit: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE_SIZE).default(AUDIT_PAGE_SIZE),
  ),
  /** The `nextCursor` of the previous page: entries older than it (by seq). */
  cursor: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).optional()),
  format: z.preprocess((value) => (value === "" ? undefined : value), z.enum(["json", "csv", "jsonl"]).default("json")),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
/** The filters alone: what a page, an export and a reviewer's restriction share. */
export type AuditFilter = Pick<AuditQuery, "server" | "outcome" | "actor" | "type" | "from" | "to">;

/** GET /api/audit with format json (the default): newest first; `nextCursor` is null on the last page. */
export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor: z.number().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

/** GET /api/audit/verify and `npm run audit -- verify`: the whole chain recomputed. */
export const auditVerificationSchema = z.union([
  z.object({ ok: z.literal(true), entries: z.number(), lastHash: z.string() }),
  z.object({ ok: z.literal(false), entries: z.number(), seq: z.number(), reason: z.string() }),
]);
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

export const auditPaths = {
  list: (query: Record<string, string | number | undefined>) => `/api/audit?${searchOf(query)}`,
  verify: "/api/audit/verify",
} as const;

function searchOf(query: Record<string, string | number | undefined>): URLSearchParams {
  return new URLSearchParams(
    Object.entries(query).flatMap(([key, value]) => (value === undefined || value === "" ? [] : [[key, String(value)]])),
  );
}
