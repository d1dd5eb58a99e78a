import type { z } from "zod";
import { principalOf, type Principal } from "@/lib/auth/principal";
import { ApiError, errorResponse } from "@/lib/errors";
import { toolApprovalListQuerySchema, toolApprovalRevokeQuerySchema } from "@/lib/mcp/tool-approval-contract";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

function query<T extends z.ZodType>(request: Request, schema: T, hint: string): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new ApiError("bad_request", hint);
  return parsed.data;
}

/** A conversation's choices are its owner's: to anyone else, and for an unknown id, there is no such conversation. */
async function requireOwner(principal: Principal, threadId: string): Promise<void> {
  const state = serverState();
  await state.started;
  const conversation = await state.conversationStore.get(threadId);
  if (!conversation || conversation.ownerId !== principal.id) throw new ApiError("not_found", "No such conversation.");
}

/** The tools a conversation allows without asking ("always allow this tool here"). */
export async function GET(request: Request) {
  try {
    const principal = await principalOf(request);
    const { threadId } = query(request, toolApprovalListQuerySchema, "Give the conversation as ?threadId=...");
    await requireOwner(principal, threadId);
    return Response.json({ approvals: serverState().approvals.list(threadId) });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Forgets one "always allow": the next call of that tool in that conversation asks again. Revoking is always safe. */
export async function DELETE(request: Request) {
  try {
    const principal = await principalOf(request);
    const { threadId, serverName, toolName } = query(
      request,
      toolApprovalRevokeQuerySchema,
      "Give ?threadId=...&serverName=...&toolName=...",
    );
    await requireOwner(principal, threadId);
    return Response.json({ revoked: serverState().approvals.revoke(threadId, serverName, toolName) });
  } catch (error) {
    return errorResponse(error);
  }
}
