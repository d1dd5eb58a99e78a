/**
 * /api/mcp: the "people" MCP server over Streamable HTTP, for agents holding an API key. Each request is
 * authenticated here (the proxy lets a valid key through, but a route must check who it is again), then served by
 * the SDK's per-request handler: the 2026-07-28 revision, and 2025-era clients through its stateless fallback.
 */
import "server-only";
import { createMcpHandler, type AuthInfo, type McpHttpHandler, type McpRequestContext, type McpServer } from "@modelcontextprotocol/server";
import { apiErrorBody } from "@/lib/api-contract";
import { authenticate, type Identity } from "@/lib/auth/authenticate";
import { isSingleUserMode, LOCAL_PRINCIPAL } from "@/lib/auth/principal";
import { errorResponse } from "@/lib/errors";
import { readLimitedText } from "@/lib/http";
import { serverState } from "@/lib/server-state";
import { createPeopleServer } from "./mcp-server";
import { servePeopleTasks } from "./mcp-tasks";

const REALM = 'Bearer realm="elicit-chat"';

export const MAX_MCP_BODY_BYTES = 256 * 1024;

let handler: McpHttpHandler | undefined;

function mcpHandler(): McpHttpHandler {
  handler ??= createMcpHandler(peopleServer, {
    // Always a stream: an ask_human waiting for hours then sends keep-alive comments, so no proxy on the way
    // (nginx closes a silent response after 60 s) cuts it off, progress token or not.
    responseMode: "sse",
    onerror: (error) => console.warn(`[mcp /api/mcp] ${error.message}`),
  });
  return handler;
}

/** The server for one HTTP request; a 2025-era one also serves MCP Tasks (the 2026-07-28 revision has none). */
async function peopleServer({ authInfo, era, requestInfo }: McpRequestContext): Promise<McpServer> {
  const requests = serverState().humanRequests;
  const identity = identityOf(authInfo);
  const server = createPeopleServer(requests, identity);
  return era === "legacy" ? servePeopleTasks(server, { requests, identity, httpRequest: requestInfo }) : server;
}

/** Serves one HTTP request of an MCP client: 401 (with WWW-Authenticate) unless its bearer key is valid. */
export async function serveMcp(request: Request): Promise<Response> {
  try {
    const state = serverState();
    await state.started;
    const who = await caller(request.headers);
    if (who === "no key") return unauthorized(REALM, "Send Authorization: Bearer <api key> (npm run users -- token <name>).");
    if (who === "bad key") return unauthorized(`${REALM}, error="invalid_token"`, "This API key is not valid.");
    const authInfo: AuthInfo = { token: "", clientId: who.id, scopes: [], extra: { identity: who } };
    return await mcpHandler().fetch(await withBoundedBody(request), { authInfo });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Who calls: the user of a valid bearer key. Only a key: an MCP client has no session cookie, and a page's cookie
 * must not let it call tools. Without users (single-user mode on loopback) a call without a key is the local person.
 */
async function caller(headers: Headers): Promise<Identity | "no key" | "bad key"> {
  if (headers.get("authorization") === null) return (await isSingleUserMode()) ? LOCAL_PRINCIPAL : "no key";
  return (await authenticate(serverState().auth, headers)) ?? "bad key";
}

/**
 * The request with its body read up to MAX_MCP_BODY_BYTES (413 beyond), before the SDK parses it: one call's
 * arguments are small (a review is at most 48 KiB), and a client must not make the server hold megabytes.
 */
async function withBoundedBody(request: Request): Promise<Request> {
  if (request.method !== "POST") return request;
  return new Request(request, { body: await readLimitedText(request, MAX_MCP_BODY_BYTES) });
}

function unauthorized(challenge: string, message: string): Response {
  return Response.json(apiErrorBody("unauthorized", message), { status: 401, headers: { "www-authenticate": challenge } });
}

/** The identity serveMcp put in authInfo; nothing else calls the handler. */
function identityOf(authInfo: AuthInfo | undefined): Identity {
  const identity = authInfo?.extra?.identity as Identity | undefined;
  if (!identity) throw new Error("an MCP request reached the server without an identity");
  return identity;
}
