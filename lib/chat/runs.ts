/**
 * The chat requests streaming right now, so an elicitation raised deep inside a tool call can find the stream of
 * the conversation that made the call. AsyncLocalStorage does not reach the MCP client's elicitation handler
 * (the request arrives on the transport's data event), so routing is explicit: by correlation id, see routeOf().
 */
import { randomUUID } from "node:crypto";
import type { ElicitationData } from "@/lib/elicitation/contract";

export interface ChatRun {
  id: string;
  threadId: string;
  /** Aborts when the browser goes away or Stop is pressed; pending questions of this run are then cancelled. */
  signal: AbortSignal;
  /** Writes (or, same id, updates) the elicitation card in this run's stream. */
  showElicitation(data: ElicitationData): void;
  /** Tool calls in flight, per MCP server name: the fallback route for servers that do not echo our id. */
  readonly toolCallsInFlight: Map<string, number>;
}

export class ChatRuns {
  private readonly runs = new Map<string, ChatRun>();

  open(threadId: string, signal: AbortSignal, showElicitation: ChatRun["showElicitation"]): ChatRun {
    const run: ChatRun = { id: randomUUID(), threadId, signal, showElicitation, toolCallsInFlight: new Map() };
    this.runs.set(run.id, run);
    return run;
  }

  close(run: ChatRun): void {
    this.runs.delete(run.id);
  }

  get(id: unknown): ChatRun | undefined {
    return typeof id === "string" ? this.runs.get(id) : undefined;
  }

  /** Counts a tool call on `serverName` for `run` until the returned function is called. */
  trackToolCall(run: ChatRun, serverName: string): () => void {
    const counts = run.toolCallsInFlight;
    counts.set(serverName, (counts.get(serverName) ?? 0) + 1);
    return () => {
      const left = (counts.get(serverName) ?? 1) - 1;
      if (left > 0) counts.set(serverName, left);
      else counts.delete(serverName);
    };
  }

  hasRunFor(threadId: string): boolean {
    return [...this.runs.values()].some((run) => run.threadId === threadId);
  }

  /**
   * Which run an elicitation belongs to.
   * - Our shell server echoes the correlation id we put in the tool call's `_meta`: that routes exactly.
   * - A connection owned by one conversation (`threadId`, how servers from mcp.json are connected) routes to that
   *   conversation's run with a call in flight on the server.
   * - Otherwise, the one run with a call in flight on that server. If several have one, nobody can tell whose
   *   question it is, so the caller must cancel it (nothing runs) rather than show it in the wrong conversation.
   */
  routeOf(serverName: string, correlationId: unknown, threadId?: string): ChatRun | undefined {
    const exact = this.get(correlationId);
    if (exact && (threadId === undefined || exact.threadId === threadId)) return exact;
    if (typeof correlationId === "string" && threadId === undefined) return undefined;
    const candidates = [...this.runs.values()].filter(
      (run) => run.toolCallsInFlight.has(serverName) && (threadId === undefined || run.threadId === threadId),
    );
    return candidates.length === 1 ? candidates[0] : undefined;
  }
}
