import { mayRead, principalOf } from "@/lib/auth/principal";
import { ApiError, errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** A conversation as stored (cards in their latest state) and the turn in flight (replay it to follow along). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    const conversation = await state.conversations.state(id);
    // Someone else's conversation is answered exactly like one that does not exist: ids do not leak.
    if (!conversation || !mayRead(principal, conversation.conversation?.ownerId ?? "")) {
      throw new ApiError("not_found", "No such conversation.");
    }
    return Response.json(conversation);
  } catch (error) {
    return errorResponse(error);
  }
}
