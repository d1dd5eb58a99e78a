import "server-only";
import type { ServerNotice } from "@/lib/chat/server-notice";
import { errorMessage } from "@/lib/errors";
import type { McpConnection, McpConnector } from "./client";
import type { McpConfig } from "./config";
import { BUNDLED_SERVER_NAME } from "./tool-names";
import type { McpTool } from "./route-tool-calls";

export interface ConnectionLimits {
  /** How long a conversation's own MCP connection stays open after its last turn. */
  idleMs: number;
  /** Each connection is a set of server processes: beyond this many, the least recently used idle one is closed. */
  maxConversations: number;
  /**
   * How long a turn waits for one server from mcp.json to connect and list its tools before going on without it
   * (named in the chat). Without it, a server that accepts the connection and never answers would hold the turn for
   * the whole tool-call timeout. A slow start (npx fetching a package) keeps going and is used by a later turn.
   */
  discoveryTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { idleMs: 10 * 60_000, maxConversations: 16, discoveryTimeoutMs: 20_000 };

export interface TurnTools {
  tools: Record<string, McpTool>;
  /** The servers this turn goes on without, each with why: the chat shows them (data-server-notice). */
  notices: ServerNotice[];
  /** Call when the turn ends. */
  release: () => void;
}

export interface McpConnectionsDeps {
  connector: McpConnector;
  /** Whether a conversation has a turn running now: its connection is neither evicted nor closed when idle. */
  isBusy: (conversationId: string) => boolean;
  /** mcp.json, read each time a conversation opens its connection (a fixed file is picked up without a restart). */
  loadConfig: () => McpConfig;
  limits?: Partial<ConnectionLimits>;
  log?: (message: string) => void;
}

interface ConversationConnection {
  connection: Promise<McpConnection>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

type Tools = Pick<TurnTools, "tools" | "notices">;

/**
 * Owns every MCP connection of the app:
 * - the bundled shell server's, one for the whole app, made on first use and shared by every conversation (it
 *   echoes our correlation id, so its elicitations are routed exactly even over one connection); a failed start is
 *   not kept, the next turn tries again;
 * - one per conversation to the servers from mcp.json, reused across its turns and closed when idle. Such servers
 *   know nothing of our correlation id, so this is what guarantees that their questions reach the conversation
 *   that called them, however many conversations run at once.
 */
export class McpConnections {
  private shared?: Promise<McpConnection>;
  /** Map order is use order: the first entries are the least recently used. */
  private readonly byConversation = new Map<string, ConversationConnection>();
  private readonly connector: McpConnector;
  private readonly isBusy: (conversationId: string) => boolean;
  private readonly loadConfig: () => McpConfig;
  private readonly limits: ConnectionLimits;
  private readonly log: (message: string) => void;

  constructor({ connector, isBusy, loadConfig, limits, log = (message) => console.warn(`[mcp] ${message}`) }: McpConnectionsDeps) {
    this.connector = connector;
    this.isBusy = isBusy;
    this.loadConfig = loadConfig;
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
    this.log = log;
  }

  /** The tools a chat turn may use: the bundled server's and those of every server from mcp.json that answered. */
  async forTurn(conversationId: string): Promise<TurnTools> {
    const [bundled, configured] = await Promise.all([this.bundledTools(), this.configuredTools(conversationId)]);
    return {
      tools: { ...configured.tools, ...bundled.tools },
      notices: [...bundled.notices, ...configured.notices],
      release: () => this.release(conversationId),
    };
  }

  /** The bundled shell server's connection, made on first use. */
  bundled(): Promise<McpConnection> {
    if (!this.shared) {
      const shared = this.connector.connectBundled();
      this.shared = shared;
      // A failed start is not kept: the next request tries again.
      shared.catch(() => {
        if (this.shared === shared) this.shared = undefined;
      });
    }
    return this.shared;
  }

  /** A conversation's turn ended: its connection closes after the idle time, unless another turn uses it first. */
  release(conversationId: string): void {
    const entry = this.byConversation.get(conversationId);
    if (!entry) return;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(
      () => (this.isBusy(conversationId) ? this.release(conversationId) : this.close(conversationId)),
      this.limits.idleMs,
    );
    entry.idleTimer.unref?.();
  }

  /** The connection a conversation holds now, if any (the same promise across its turns). */
  connectionOf(conversationId: string): Promise<McpConnection> | undefined {
    return this.byConversation.get(conversationId)?.connection;
  }

  /** The conversations holding a connection, least recently used first. */
  conversations(): string[] {
    return [...this.byConversation.keys()];
  }

  /** Closes one conversation's connection now. */
  close(conversationId: string): void {
    const entry = this.byConversation.get(conversationId);
    if (!entry) return;
    clearTimeout(entry.idleTimer);
    this.byConversation.delete(conversationId);
    void entry.connection.then((c) => this.connector.disconnect(c)).catch(() => {});
  }

  /** Closes the bundled server's connection (the next turn starts it again). */
  async closeBundled(): Promise<void> {
    const shared = this.shared;
    this.shared = undefined;
    const connection = await shared?.catch(() => undefined);
    if (connection) await this.connector.disconnect(connection);
  }

  /** Closes every conversation's connection, then the bundled one. */
  async closeAll(): Promise<void> {
    const entries = [...this.byConversation.values()];
    this.byConversation.clear();
    await Promise.all(
      entries.map(async (entry) => {
        clearTimeout(entry.idleTimer);
        const connection = await entry.connection.catch(() => undefined);
        if (connection) await this.connector.disconnect(connection);
      }),
    );
    await this.closeBundled();
  }

  private async bundledTools(): Promise<Tools> {
    try {
      return { tools: (await this.bundled()).tools, notices: [] };
    } catch (error) {
      this.log(`the shell MCP server is unavailable: ${errorMessage(error)}`);
      return { tools: {}, notices: [{ kind: "unavailable", serverName: BUNDLED_SERVER_NAME, reason: errorMessage(error) }] };
    }
  }

  private async configuredTools(conversationId: string): Promise<Tools> {
    const own = this.open(conversationId);
    try {
      const connection = await own.connection;
      if (!connection) return { tools: {}, notices: own.leftOut };
      // A reused connection lists again: a server that failed last turn gets another try (Mastra reconnects it), and
      // one that died since is named now rather than offered to the model and failing mid-answer.
      const current = own.fresh ? connection : await this.connector.relist(connection, this.limits.discoveryTimeoutMs);
      return { tools: current.tools, notices: [...connection.leftOut, ...current.unavailable] };
    } catch (error) {
      // Not a server failing (those are listed above) but the client itself: start afresh next turn.
      this.log(`the servers from mcp.json are unavailable: ${errorMessage(error)}`);
      this.close(conversationId);
      return { tools: {}, notices: [...own.leftOut, { kind: "unavailable", reason: `the servers from mcp.json: ${errorMessage(error)}` }] };
    }
  }

  /**
   * The conversation's connection to the servers from mcp.json, reused or made now; `fresh` when made for this turn
   * (just listed). `leftOut` carries the invalid mcp.json entries when there is no connection to carry them.
   */
  private open(conversationId: string): { connection?: Promise<McpConnection>; fresh: boolean; leftOut: ServerNotice[] } {
    const existing = this.byConversation.get(conversationId);
    if (existing) {
      clearTimeout(existing.idleTimer);
      existing.idleTimer = undefined;
      this.byConversation.delete(conversationId);
      this.byConversation.set(conversationId, existing);
      return { connection: existing.connection, fresh: false, leftOut: [] };
    }
    const { servers: entries, problems } = this.loadConfig();
    problems.forEach(this.log);
    const leftOut = problems.map((reason): ServerNotice => ({ kind: "misconfigured", reason }));
    if (Object.keys(entries).length === 0) return { fresh: true, leftOut };

    // Each stdio server connection listens for SIGTERM/SIGHUP to stop its child, and lets go when closed. Connections
    // are capped, so these listeners are too: raise Node's leak warning threshold to that cap, not beyond.
    const listenersNeeded = (this.limits.maxConversations + 1) * (Object.keys(entries).length + 1) + 10;
    if (process.getMaxListeners() < listenersNeeded) process.setMaxListeners(listenersNeeded);

    this.makeRoomForOneMore();
    const connection = this.connector.connectConfigured(conversationId, entries, {
      leftOut,
      perServerTimeoutMs: this.limits.discoveryTimeoutMs,
    });
    this.byConversation.set(conversationId, { connection });
    connection.catch(() => {
      if (this.byConversation.get(conversationId)?.connection === connection) this.byConversation.delete(conversationId);
    });
    return { connection, fresh: true, leftOut: [] };
  }

  private makeRoomForOneMore(): void {
    if (this.byConversation.size < this.limits.maxConversations) return;
    const idle = [...this.byConversation.keys()].find((conversationId) => !this.isBusy(conversationId));
    if (idle) this.close(idle);
    else this.log(`${this.byConversation.size} conversations are using their MCP connections at once; opening one more`);
  }
}
