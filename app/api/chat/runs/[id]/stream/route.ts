import { createUIMessageStreamResponse } from "ai";
import { mayRead, principalOf } from "@/lib/auth/principal";
import { errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/**
 * A reloaded tab reattaches to its turn: the turn so far, then live, whichever instance runs it. 204 when there is
 * nothing to resume, which is also what someone else's turn looks like: a guessed id tells nothing.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const principal = await principalOf(request);
    const { id } = await params;
    const { turns, coordination } = serverState();
    const run = turns.replayable(id);
    if (run) {
      if (!mayRead(principal, run.ownerId)) return new Response(null, { status: 204 });
      return createUIMessageStreamResponse({ stream: run.log.subscribe(request.signal) });
    }
    const elsewhere = await coordination.follow(id, (ownerId) => mayRead(principal, ownerId), request.signal);
    if (!elsewhere) return new Response(null, { status: 204 });
    return createUIMessageStreamResponse({ stream: elsewhere });
  } catch (error) {
    return errorResponse(error);
  }
}
