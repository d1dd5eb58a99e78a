/**
 * The shell MCP server over Streamable HTTP (stateful sessions), on loopback only, built on node:http.
 *
 * A command runner on a port is a remote shell, so every request must carry the bearer token unless the operator
 * explicitly chose local-only mode, and Host / Origin are checked so a web page cannot reach it through DNS
 * rebinding. Each session gets its own McpServer, so remembered approvals never leak between sessions, and
 * belongs to the client whose token opened it (see http-sessions.ts).
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";
import { isInitializeRequest } from "@modelcontextprotocol/server";
import { MIN_TOKEN_LENGTH, type ShellServerConfig } from "./config.ts";
import { DEFAULT_SESSION_LIMITS, SessionTable, type SessionLimits } from "./transports/http-sessions.ts";
import { createServer, type ServerExtension } from "./server.ts";

export const MCP_PATH = "/mcp";
const LOOPBACK = "127.0.0.1";
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpServerOptions {
  config: ShellServerConfig;
  /** 0 picks a free port (tests). */
  port: number;
  /** Required unless localOnly is set (or tokens is given): the token of the one client, named "default". */
  token?: string;
  /** One token per client, by client name: a session is bound to the client that opened it. */
  tokens?: Record<string, string>;
  sessionLimits?: SessionLimits;
  /** Runs without a token: anyone who can reach 127.0.0.1 (any local user or process) can run commands. */
  localOnly?: boolean;
  log?: (message: string) => void;
  /** Runs on each session's server after createServer built it. */
  extend?: ServerExtension;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  sessionCount: () => number;
  close: () => Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { config, port, localOnly = false, log = () => {} } = options;
  const tokens = Object.entries({ ...(options.token && { default: options.token }), ...options.tokens }).filter(
    ([, value]) => value !== "",
  );
  if (tokens.length === 0 && !localOnly) {
    throw new Error(
      "MCP_HTTP_TOKEN is not set: refusing to serve a shell over HTTP without a token (set MCP_HTTP_LOCAL_ONLY=1 to run without one on loopback)",
    );
  }
  const weak = tokens.find(([, value]) => value.length < MIN_TOKEN_LENGTH);
  if (weak)
    throw new Error(`the token of client "${weak[0]}" is shorter than ${MIN_TOKEN_LENGTH} characters: use e.g. openssl rand -hex 32`);
  if (tokens.length === 0) log("WARNING: no MCP_HTTP_TOKEN; any local user or process that can reach 127.0.0.1 can use this server");
  const sessions = new SessionTable(options.sessionLimits ?? DEFAULT_SESSION_LIMITS);
  let allowedHosts = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host and Origin.
    const origin = req.headers.origin;
    if (!allowedHosts.has(req.headers.host ?? "") || (origin !== undefined && !allowedHosts.has(originHost(origin)))) {
      return sendError(res, 403, "Forbidden: Host or Origin is not this local server");
    }
    if (new URL(req.url ?? "/", "http://localhost").pathname !== MCP_PATH)
      return sendError(res, 404, `Not found: the endpoint is ${MCP_PATH}`);
    const client = tokens.length === 0 ? "local" : tokenOwner(req.headers.authorization, tokens);
    if (client === undefined) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="shell-mcp"');
      return sendError(res, 401, "Unauthorized: send Authorization: Bearer <MCP_HTTP_TOKEN>");
    }

    const sessionId = req.headers["mcp-session-id"];
    const body = req.method === "POST" ? await readJson(req) : undefined;
    if (body instanceof Error) return sendError(res, 400, body.message, -32700);
    // Another client's session is answered exactly like an unknown one: its id is not a way in.
    const existing = typeof sessionId === "string" ? sessions.find(sessionId, client) : undefined;
    if (existing) {
      if (req.method === "POST") sessions.track(existing, responseEnd(res));
      else sessions.touch(existing);
      return existing.transport.handleRequest(req, res, body);
    }
    if (sessionId !== undefined) return sendError(res, 404, "Session not found", -32001);
    if (req.method !== "POST" || !isInitializeRequest(body))
      return sendError(res, 400, "Bad Request: no valid session; start with initialize");
    if (!(await sessions.makeRoom(client))) return sendError(res, 503, "Too many sessions with calls in flight; try again later");

    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id: string) => sessions.add(id, transport, client),
    });
    const server = createServer(config, log, options.extend);
    transport.onclose = () => {
      if (transport.sessionId) sessions.remove(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) sendError(res, 500, "Internal server error", -32603);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, LOOPBACK, () => resolve());
  });
  const actualPort = (http.address() as AddressInfo).port;
  allowedHosts = new Set([`${LOOPBACK}:${actualPort}`, `localhost:${actualPort}`]);

  return {
    url: `http://${LOOPBACK}:${actualPort}${MCP_PATH}`,
    port: actualPort,
    sessionCount: () => sessions.size,
    close: async () => {
      await sessions.closeAll();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" ? url.host : "";
  } catch {
    return "";
  }
}

/** The name of the client whose token the Authorization header carries, compared in constant time. */
function tokenOwner(header: string | undefined, tokens: ReadonlyArray<[string, string]>): string | undefined {
  const given = createHash("sha256")
    .update(header ?? "")
    .digest();
  let owner: string | undefined;
  for (const [name, token] of tokens) {
    const expected = createHash("sha256").update(`Bearer ${token}`).digest();
    if (timingSafeEqual(given, expected)) owner ??= name;
  }
  return owner;
}

function responseEnd(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.once("close", () => resolve()));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return new Error("Request body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return new Error("Parse error: the body is not JSON");
  }
}

function sendError(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
