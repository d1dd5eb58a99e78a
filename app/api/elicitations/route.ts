import { principalOf } from "@/lib/auth/principal";
import { pendingListQuerySchema } from "@/lib/elicitation/contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/**
 * What a conversation has waiting, for a reloaded or second tab: only the questions the caller may see (their
 * own conversation's, those routed to them, all for admins). Someone else's conversation lists as empty, like
 * one that does not exist.
 */
export async function GET(request: Request) {
  try {
    const query = pendingListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new ApiError("bad_request", "Give the conversation as ?threadId=...");
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    return Response.json({ elicitations: state.review.pendingIn(query.data.threadId, principal) });
  } catch (error) {
    return errorResponse(error);
  }
}
