import "server-only";
import type { Agent } from "@mastra/core/agent";
import { createChatAgent } from "@/lib/agent/agent";
import { Conversations } from "@/lib/chat/conversations";
import { ChatTurns } from "@/lib/chat/turns";
import { appConfig, type AppConfig } from "@/lib/config";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { mastraConnector } from "@/lib/mcp/client";
import { loadMcpConfig } from "@/lib/mcp/config";
import { McpConnections } from "@/lib/mcp/connections";
import { ToolApprovalMemory } from "@/lib/mcp/tool-approval-memory";
import { modelFor } from "@/lib/models/select-model";

/** Every server-side service, built once here and handed to whoever needs it; nothing else creates them. */
export interface ServerState {
  readonly config: AppConfig;
  readonly registry: ElicitationRegistry;
  readonly turns: ChatTurns;
  readonly conversations: Conversations;
  /** "Always allow this tool in this conversation". */
  readonly approvals: ToolApprovalMemory;
  /** Every MCP connection: the bundled shell server's, and each conversation's to the servers from mcp.json. */
  readonly mcp: McpConnections;
  /** The agent; tools are passed per turn (they come from the MCP connections). */
  readonly agent: Agent;
}

const KEY = Symbol.for("elicit-chat.server-state");
type WithState = typeof globalThis & { [KEY]?: ServerState };

/** The composition root: reads the settings once (a bad one throws a ConfigError) and wires the services together. */
export function createServerState(env: Record<string, string | undefined> = process.env): ServerState {
  const config = appConfig(env);
  const registry = new ElicitationRegistry(config.pendingLimits);
  const turns = new ChatTurns(config.reconnectGraceMs);
  const approvals = new ToolApprovalMemory();
  const log = (message: string) => console.warn(`[mcp] ${message}`);
  const mcp = new McpConnections({
    connector: mastraConnector({ turns, registry, approvals, config, log }),
    isBusy: (conversationId) => turns.hasTurnIn(conversationId),
    loadConfig: () => loadMcpConfig({ MCP_CONFIG: config.mcpConfigFile }),
    log,
  });
  return { config, registry, turns, conversations: new Conversations(), approvals, mcp, agent: createChatAgent(modelFor(config.model)) };
}

/**
 * Process-wide state. Kept on globalThis because Next.js bundles each route separately (a module-level Map would
 * exist once per route) and `next dev` re-evaluates modules on every hot reload.
 */
export function serverState(): ServerState {
  const holder = globalThis as WithState;
  holder[KEY] ??= createServerState();
  return holder[KEY];
}
