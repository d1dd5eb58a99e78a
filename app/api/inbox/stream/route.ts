import { principalOf } from "@/lib/auth/principal";
import { errorResponse } from "@/lib/errors";
import { inboxEventStream, SSE_HEADERS } from "@/lib/review/inbox-stream";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** The caller's inbox as server-sent events: a snapshot, then each change; ends when the request does. */
export async function GET(request: Request) {
  try {
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    return new Response(inboxEventStream(state.review, principal, request.signal), { headers: SSE_HEADERS });
  } catch (error) {
    return errorResponse(error);
  }
}
