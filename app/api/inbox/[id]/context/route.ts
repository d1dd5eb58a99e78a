import { principalOf } from "@/lib/auth/principal";
import { ApiError, errorResponse } from "@/lib/errors";
import { questionContext } from "@/lib/review/question-context";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/**
 * The last messages of a question's conversation (text only), for whoever may see the question: its requester,
 * the people it is routed to, admins. 404 for anyone else, and once it is no longer waiting: this opens a
 * conversation to reviewers only while they have a question of it to answer.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    const access = await state.review.visible(id, principal);
    if (!access?.data || access.data.status !== "pending") {
      throw new ApiError("not_found", "No question of this id waits for you.");
    }
    const { threadId } = access.data;
    return Response.json(await questionContext(state.conversationStore, { threadId, requesterId: access.requesterId }));
  } catch (error) {
    return errorResponse(error);
  }
}
