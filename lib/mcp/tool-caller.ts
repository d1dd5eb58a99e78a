import "server-only";
import type { MCPClient } from "@mastra/mcp";
import { errorMessage } from "@/lib/errors";

/** The MCP revision whose tool calls can end with `input_required` and be retried later (no open request). */
export const RESUMABLE_PROTOCOL_VERSION = "2026-07-28";

/** The part of the MCP SDK client a resumable call needs: one request, with `input_required` handed back. */
export interface ToolCaller {
  request(
    request: { method: "tools/call"; params: Record<string, unknown> },
    options: { allowInputRequired: true; signal?: AbortSignal; timeout?: number },
  ): Promise<unknown>;
}

/**
 * The SDK client of one server on a Mastra MCP connection, when that server speaks a revision with
 * `input_required`. Mastra's own tool wrapper answers `input_required` itself (by calling the elicitation handler
 * and retrying while the call stays open), so a call that must be able to outlive the process is made here
 * instead. Mastra keeps the client private: this is the one place that reaches for it. If its shape changes, the
 * bundled server's questions stop being durable, and app/api/chat/route.slow.test.ts (`durable` cards) fails.
 */
export function toolCallerOf(client: MCPClient, serverName: string): ToolCaller | undefined {
  if (client.getServerProtocolVersions()[serverName] !== RESUMABLE_PROTOCOL_VERSION || !sdkClientOf(client, serverName)) return undefined;
  return {
    async request(request, options) {
      try {
        return await current(client, serverName).request(request, options);
      } catch (error) {
        // The server went away (it crashed, or was restarted): connect again and send the call once more. A
        // retried answer cannot run twice: the server accepts each request state once.
        if (options.signal?.aborted || !CONNECTION_LOST.test(errorMessage(error))) throw error;
        console.warn(`[mcp] ${serverName}: ${errorMessage(error)}; connecting again to send the call once more`);
        await client.reconnectServer(serverName);
        return current(client, serverName).request(request, options);
      }
    },
  };
}

/** How the MCP SDK says the server went away (its stdio process exited, or the connection dropped). */
const CONNECTION_LOST = /^(MCP error -?\d+: )?(Connection closed|Not connected)\b/;

function sdkClientOf(client: MCPClient, serverName: string): ToolCaller | undefined {
  const internal = (client as unknown as { mcpClientsById?: Map<string, { client?: Partial<ToolCaller> }> }).mcpClientsById;
  const sdkClient = internal?.get(serverName)?.client;
  return typeof sdkClient?.request === "function" ? (sdkClient as ToolCaller) : undefined;
}

function current(client: MCPClient, serverName: string): ToolCaller {
  const caller = sdkClientOf(client, serverName);
  if (!caller) throw new Error(`not connected to ${serverName}`);
  return caller;
}
