import { createUIMessageStreamResponse } from "ai";
import { mayRead, principalOf } from "@/lib/auth/principal";
import { ApiError, errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** A reloaded tab reattaches to its turn: the turn so far, then live. 204 when there is nothing to resume. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const principal = await principalOf(request);
    const { id } = await params;
    const run = serverState().turns.replayable(id);
    if (!run) return new Response(null, { status: 204 });
    if (!mayRead(principal, run.ownerId)) throw new ApiError("not_found", "No such run.");
    return createUIMessageStreamResponse({ stream: run.log.subscribe(request.signal) });
  } catch (error) {
    return errorResponse(error);
  }
}
