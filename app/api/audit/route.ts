import { auditScopeOf } from "@/lib/audit/access";
import { listAuditEntries } from "@/lib/audit/audit-query";
import { EXPORT_CONTENT_TYPE, exportFileName, exportStream } from "@/lib/audit/export";
import { principalOf } from "@/lib/auth/principal";
import { errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";
import { parseAuditQuery } from "./schema";

export const dynamic = "force-dynamic";

/**
 * The audit trail, filtered (server, outcome, actor, type, from, to). JSON: one page, newest first, with
 * `nextCursor` for the next (keyset by seq). `format=csv|jsonl`: every matching entry, oldest first, streamed in
 * batches as an attachment. Admins read everything, reviewers their own decisions, requesters get 403.
 */
export async function GET(request: Request) {
  try {
    const query = parseAuditQuery(new URL(request.url).searchParams);
    const scope = auditScopeOf(await principalOf(request));
    const state = serverState();
    await state.started;
    const { db } = state.database;
    if (query.format === "json") return Response.json(await listAuditEntries(db, query, scope, query));
    return new Response(exportStream(db, query, scope, query.format), {
      headers: {
        "content-type": EXPORT_CONTENT_TYPE[query.format],
        "content-disposition": `attachment; filename="${exportFileName(query.format)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
