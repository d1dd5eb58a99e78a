import { NextResponse, type NextRequest } from "next/server";
import { API_ERROR_STATUS, apiErrorBody } from "@/lib/api-contract";
import { requestGate } from "@/lib/auth/request-gate";
import { encodeSignedInUser, SIGNED_IN_USER_HEADER } from "@/lib/auth/signed-in-user";
import { refusalReason } from "@/lib/local-origin";
import { INSTANCE_HEADER, instanceIdOf } from "@/lib/cluster/instance-id";

const HEALTH_PATH = "/api/health";

const SIGN_IN_PATH = "/sign-in";

const MCP_PATH = "/api/mcp";

/**
 * Before every API call and page:
 * - API calls must come from a page served under an allowed host: see lib/local-origin.ts.
 * - With users configured, everything but signing in needs a valid session or bearer API key, checked against
 *   the database (a cookie's presence proves nothing): API calls without one get 401, pages go to /sign-in.
 *   The routes check again who it is (principalOf) and what that person may see.
 */
export async function proxy(request: NextRequest) {
  const response = await gate(request);
  // Which instance answered: behind a load balancer, what a person (or a test) needs to tell them apart.
  response.headers.set(INSTANCE_HEADER, instanceIdOf());
  return response;
}

async function gate(request: NextRequest): Promise<NextResponse> {
  const path = request.nextUrl.pathname;
  const isApi = path.startsWith("/api/");
  if (isApi) {
    const reason = refusalReason(request.headers);
    if (reason) return NextResponse.json(apiErrorBody("forbidden", `Forbidden: ${reason}.`), { status: API_ERROR_STATUS.forbidden });
    // Signing in, and the load balancer's health check, need no session.
    if (path.startsWith("/api/auth/") || path === HEALTH_PATH) return NextResponse.next();
  }

  const verdict = await requestGate()(request.headers);
  const headers = new Headers(request.headers);
  headers.delete(SIGNED_IN_USER_HEADER);
  if (verdict.mode === "unauthenticated") {
    if (isApi) {
      const body = apiErrorBody("unauthorized", "Sign in first, or send Authorization: Bearer <api key>.");
      return NextResponse.json(body, { status: API_ERROR_STATUS.unauthorized, headers: mcpChallenge(path, request.headers) });
    }
    if (path === SIGN_IN_PATH) return NextResponse.next({ request: { headers } });
    const signIn = new URL(SIGN_IN_PATH, request.url);
    if (path !== "/" || request.nextUrl.search) signIn.searchParams.set("next", `${path}${request.nextUrl.search}`);
    return NextResponse.redirect(signIn);
  }
  // Nothing to sign in to (single-user mode), or signed in already.
  if (path === SIGN_IN_PATH) return NextResponse.redirect(new URL("/", request.url));
  if (verdict.mode === "signed-in")
    headers.set(SIGNED_IN_USER_HEADER, encodeSignedInUser({ name: verdict.identity.name, role: verdict.identity.role }));
  return NextResponse.next({ request: { headers } });
}

/**
 * MCP clients (/api/mcp) read the 401's WWW-Authenticate to learn that a bearer key is wanted, or that theirs was
 * refused; the route says the same when it is reached (lib/experts/mcp-endpoint.ts).
 */
function mcpChallenge(path: string, headers: Headers): Record<string, string> | undefined {
  if (path !== MCP_PATH) return undefined;
  return { "www-authenticate": `Bearer realm="elicit-chat"${headers.has("authorization") ? ', error="invalid_token"' : ""}` };
}

// Everything but Next's own static files.
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
