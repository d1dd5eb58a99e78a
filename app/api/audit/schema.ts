import { auditQuerySchema, type AuditQuery } from "@/lib/audit/contract";
import { ApiError } from "@/lib/errors";

export { auditQuerySchema };

/** GET /api/audit's query (and the /audit page's), or a 400 that names the first field that is wrong. */
export function parseAuditQuery(search: URLSearchParams): AuditQuery {
  const parsed = auditQuerySchema.safeParse(Object.fromEntries(search));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = issues[0];
  throw new ApiError("bad_request", `Invalid query${first ? `: ${first.path || "(root)"}: ${first.message}` : ""}.`, { details: issues });
}
