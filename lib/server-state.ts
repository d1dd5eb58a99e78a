import "server-only";
import { Conversations } from "@/lib/chat/conversations";
import { ChatRuns } from "@/lib/chat/runs";
import { appConfig } from "@/lib/config";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { McpConnection } from "@/lib/mcp/client";

interface ThreadMcp {
  connection: Promise<McpConnection>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

interface ServerState {
  registry: ElicitationRegistry;
  runs: ChatRuns;
  conversations: Conversations;
  /** The bundled shell server's connection, shared by all conversations. */
  mcp?: Promise<McpConnection>;
  /** Each conversation's own connection to the servers from mcp.json. */
  threadMcp: Map<string, ThreadMcp>;
}

const KEY = Symbol.for("elicit-chat.server-state");
type WithState = typeof globalThis & { [KEY]?: ServerState };

/**
 * Process-wide state. Kept on globalThis because Next.js bundles each route separately (a module-level Map would
 * exist once per route) and `next dev` re-evaluates modules on every hot reload.
 */
export function serverState(): ServerState {
  const holder = globalThis as WithState;
  holder[KEY] ??= {
    registry: new ElicitationRegistry(appConfig().pendingLimits),
    runs: new ChatRuns(appConfig().reconnectGraceMs),
    conversations: new Conversations(),
    threadMcp: new Map(),
  };
  return holder[KEY];
}
