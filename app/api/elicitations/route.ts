import { pendingListQuerySchema } from "@/lib/elicitation/contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** What a conversation has waiting: a reloaded or second tab shows these as live cards. */
export async function GET(request: Request) {
  try {
    const query = pendingListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new ApiError("bad_request", "Give the conversation as ?threadId=...");
    return Response.json({ elicitations: serverState().registry.listPending(query.data.threadId) });
  } catch (error) {
    return errorResponse(error);
  }
}
