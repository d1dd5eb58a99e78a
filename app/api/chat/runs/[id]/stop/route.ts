import { principalOf } from "@/lib/auth/principal";
import { errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** The Stop button: ends the turn now, cancelling what it has pending (nothing guarded runs). Its owner's only. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const principal = await principalOf(request);
    const { id } = await params;
    const { turns, coordination } = serverState();
    const run = turns.get(id);
    // Someone else's turn does not exist for this person: the same 204 as an id nobody has, and nothing stops.
    if (run?.ownerId === principal.id) run.stop("stopped by the person");
    // Running on another instance: that one stops it, if this person started it.
    else if (!run) await coordination.stop(id, principal);
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
