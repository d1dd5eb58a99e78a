import { principalOf } from "@/lib/auth/principal";
import { conversationListQuerySchema, type ConversationSummary } from "@/lib/chat/conversation-contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** The caller's own conversations, newest first; `?q=` keeps those whose title contains it, `?limit=` how many. */
export async function GET(request: Request) {
  try {
    const principal = await principalOf(request);
    const query = conversationListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) {
      const first = query.error.issues[0];
      throw new ApiError("bad_request", `Invalid query: ${first?.path.join(".") ?? ""}: ${first?.message ?? "not understood"}.`);
    }
    const state = serverState();
    await state.started;
    const { q, limit } = query.data;
    const conversations: ConversationSummary[] = await state.conversations.list({ ownerId: principal.id, search: q, limit });
    return Response.json({ conversations });
  } catch (error) {
    return errorResponse(error);
  }
}
