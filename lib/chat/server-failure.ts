/**
 * Turns what Mastra's MCP client reports for a server that failed to connect or list its tools into one short line
 * a person can act on. Its messages carry class names, wrapped prefixes, raw HTTP bodies and even stack traces;
 * the chat shows none of that, only what went wrong and, when known, the code a search would need.
 */
import "server-only";
import type { MCPDiscoveryErrorDetails } from "@mastra/mcp";

const MAX_CHARS = 300;

/** Network error codes in words; the code itself is kept in brackets. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed",
  ENOENT: "command not found",
  EACCES: "permission denied",
};

export function describeServerFailure(name: string, details: MCPDiscoveryErrorDetails): string {
  let text = details.message.split("\n")[0] ?? "";
  const connecting = text.startsWith(`Failed to connect to MCP server ${name}: `);
  if (connecting) text = text.slice(`Failed to connect to MCP server ${name}: `.length);
  text = text.replace(/^(?:(?:[A-Z]\w*)?Error: )+/, "");
  text = text.replace(/ \(HTTP \d{3}\)$/, "");

  // An HTTP error body that is a JSON-RPC error: its message is the server's own words.
  const body = /^Error POSTing to endpoint: (\{.*\})$/.exec(text)?.[1];
  const rpcMessage = body ? jsonRpcMessage(body) : undefined;
  if (rpcMessage) text = rpcMessage;
  if (/^(?:.*: )?fetch failed$/.test(text)) text = "the server could not be reached";
  const timedOut = /^Discovery timed out after (\d+)ms$/.exec(text);
  if (timedOut) text = `no answer within ${Math.round(Number(timedOut[1]) / 1000)} s`;

  const code = typeof details.code === "string" ? details.code : undefined;
  const network = code && NETWORK_CODES[code];
  if (network) text = text === "the server could not be reached" ? `${network} (${code})` : `${text}: ${network} (${code})`;
  if (details.httpStatus) text = `HTTP ${details.httpStatus}: ${text}`;
  if (typeof details.code === "number" && !connecting) text = `${text} (error ${details.code})`;

  const line = `${connecting || network ? "could not connect: " : ""}${text}`;
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
}

function jsonRpcMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}
