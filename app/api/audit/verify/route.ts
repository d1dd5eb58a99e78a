import { requireAuditAdmin } from "@/lib/audit/access";
import { verifyChain } from "@/lib/audit/verify";
import { principalOf } from "@/lib/auth/principal";
import { errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** The whole chain recomputed (admins only): `{ ok, entries, lastHash }`, or the first entry that does not match. */
export async function GET(request: Request) {
  try {
    requireAuditAdmin(await principalOf(request));
    const state = serverState();
    await state.started;
    return Response.json(await verifyChain(state.database.db));
  } catch (error) {
    return errorResponse(error);
  }
}
