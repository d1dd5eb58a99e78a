/**
 * Settings of the Streamable HTTP entry point, read once from the environment. Bad values stop start-up with a
 * message naming the setting: a shell on a port must not start with a configuration it did not understand.
 */
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./transports/http-sessions.ts";

export interface HttpSettings {
  port: number;
  token?: string;
  tokens: Record<string, string>;
  localOnly: boolean;
  sessionLimits: SessionLimits;
}

const CLIENT_NAME = /^[A-Za-z0-9_-]{1,40}$/;

export function httpSettingsFromEnv(env: Record<string, string | undefined>): HttpSettings {
  const port = Number(env.MCP_HTTP_PORT || 3333);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`MCP_HTTP_PORT must be a port number, got "${env.MCP_HTTP_PORT}"`);
  return {
    port,
    token: env.MCP_HTTP_TOKEN || undefined,
    tokens: parseTokens(env.MCP_HTTP_TOKENS ?? ""),
    localOnly: env.MCP_HTTP_LOCAL_ONLY === "1",
    sessionLimits: {
      maxSessions: positive(env.MCP_HTTP_MAX_SESSIONS, DEFAULT_SESSION_LIMITS.maxSessions, "MCP_HTTP_MAX_SESSIONS"),
      maxSessionsPerClient: positive(env.MCP_HTTP_MAX_SESSIONS_PER_CLIENT, DEFAULT_SESSION_LIMITS.maxSessionsPerClient, "MCP_HTTP_MAX_SESSIONS_PER_CLIENT"),
      idleMs: positive(env.MCP_HTTP_SESSION_IDLE_MS, DEFAULT_SESSION_LIMITS.idleMs, "MCP_HTTP_SESSION_IDLE_MS"),
    },
  };
}

/** `alice=token1,ci=token2`: one token per client, so each client's sessions are its own. */
function parseTokens(text: string): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const entry of text.split(",").map((part) => part.trim()).filter(Boolean)) {
    const at = entry.indexOf("=");
    const name = entry.slice(0, at);
    const token = entry.slice(at + 1);
    if (at < 1 || !CLIENT_NAME.test(name)) throw new Error(`MCP_HTTP_TOKENS: "${name || entry.slice(0, 20)}" must be name=token with a name of letters, digits, _ or -`);
    if (token.length < 16) throw new Error(`MCP_HTTP_TOKENS: the token of "${name}" is shorter than 16 characters`);
    if (name in tokens) throw new Error(`MCP_HTTP_TOKENS: "${name}" appears twice`);
    tokens[name] = token;
  }
  return tokens;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return parsed;
}
