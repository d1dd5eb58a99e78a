import { errorResponse } from "@/lib/errors";
import { healthOf } from "@/lib/health";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** For load balancers and people: is this instance's database reachable, and its link to the others? */
export async function GET() {
  try {
    const health = await healthOf(serverState());
    const status = health.database === "up" ? 200 : 503;
    return Response.json(health, { status, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
