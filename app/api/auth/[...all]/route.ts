import { handleAuthRequest } from "@/lib/auth/auth-endpoints";
import { errorResponse } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** Sign in, sign out, the current session: better-auth's handler, limited to what lib/auth/auth-endpoints.ts offers. */
async function handle(request: Request): Promise<Response> {
  try {
    const state = serverState();
    await state.started;
    return await handleAuthRequest(state.auth, request);
  } catch (error) {
    return errorResponse(error);
  }
}

export const GET = handle;
export const POST = handle;
