import { principalOf } from "@/lib/auth/principal";
import { ApiError, errorResponse } from "@/lib/errors";
import { matchesInboxQuery } from "@/lib/review/inbox-contract";
import { serverState } from "@/lib/server-state";
import { inboxQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Every pending question routed to the caller (admins: every one, read-only), oldest first, with filters. */
export async function GET(request: Request) {
  try {
    const query = inboxQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new ApiError("bad_request", `Invalid query: ${query.error.issues[0]?.path.join(".")}.`);
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    const items = state.review.inbox(principal).filter((item) => matchesInboxQuery(item, query.data));
    return Response.json({ items });
  } catch (error) {
    return errorResponse(error);
  }
}
