import { principalOf } from "@/lib/auth/principal";
import { ApiError, errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";
import { deliveriesQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** The notification delivery log, newest first (admins only): what was sent where, how many attempts, the last error. */
export async function GET(request: Request) {
  try {
    const principal = await principalOf(request);
    if (principal.role !== "admin") throw new ApiError("forbidden", "Only an admin can read the notification log.");
    const query = deliveriesQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new ApiError("bad_request", "Query: questionId (text) and limit (1 to 500), both optional.");
    const state = serverState();
    await state.started;
    return Response.json({ deliveries: await state.notifier.deliveries(query.data) });
  } catch (error) {
    return errorResponse(error);
  }
}
