import type { z } from "zod";
import { ApiError, errorResponse } from "@/lib/errors";
import { toolApprovalListQuerySchema, toolApprovalRevokeQuerySchema } from "@/lib/mcp/tool-approval-contract";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

function query<T extends z.ZodType>(request: Request, schema: T, hint: string): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new ApiError("bad_request", hint);
  return parsed.data;
}

/** The tools a conversation allows without asking ("always allow this tool here"). */
export async function GET(request: Request) {
  try {
    const { threadId } = query(request, toolApprovalListQuerySchema, "Give the conversation as ?threadId=...");
    return Response.json({ approvals: serverState().approvals.list(threadId) });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Forgets one "always allow": the next call of that tool in that conversation asks again. Revoking is always safe. */
export async function DELETE(request: Request) {
  try {
    const { threadId, serverName, toolName } = query(
      request,
      toolApprovalRevokeQuerySchema,
      "Give ?threadId=...&serverName=...&toolName=...",
    );
    return Response.json({ revoked: serverState().approvals.revoke(threadId, serverName, toolName) });
  } catch (error) {
    return errorResponse(error);
  }
}
