import "server-only";
import { ApiError } from "@/lib/errors";
import type { Auth } from "./auth";

/**
 * The part of better-auth's HTTP API the app offers: signing in by name, signing out, reading one's session.
 * Everything else it has (sign-up, API key management, account changes) is reached only through the users CLI.
 */
const OFFERED = new Set(["POST /api/auth/sign-in/username", "POST /api/auth/sign-out", "GET /api/auth/get-session"]);

export async function handleAuthRequest(auth: Auth, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (!OFFERED.has(`${request.method} ${url.pathname}`)) throw new ApiError("not_found", "No such sign-in endpoint.");
  const response = await auth.handler(request);
  return overHttps(request) ? withSecureCookies(response) : response;
}

/** Served over https (directly or behind a proxy that says so): cookies are sent back only over https. */
function overHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

function withSecureCookies(response: Response): Response {
  const cookies = response.headers.getSetCookie();
  if (cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  headers.delete("set-cookie");
  for (const cookie of cookies) headers.append("set-cookie", /;\s*secure\b/i.test(cookie) ? cookie : `${cookie}; Secure`);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
