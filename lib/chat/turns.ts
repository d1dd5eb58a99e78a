/**
 * The chat turns running now. A turn outlives the HTTP request that started it for a short grace period, so a
 * reloaded tab can reattach (replaying its log); it is stopped by Stop, or when nobody has watched it for the
 * grace period (a closed tab). Stopping cancels its pending questions: nothing they guard runs.
 *
 * An elicitation raised deep inside a tool call must find its turn's stream. AsyncLocalStorage does not reach the
 * MCP client's elicitation handler (the request arrives on the transport's data event), so routing is explicit:
 * by correlation id, see routeOf().
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { ELICITATION_PART_TYPE, type ElicitationData } from "@/lib/elicitation/contract";
import { LOCAL_USER_ID } from "@/lib/elicitation/registry";
import { LIVE_OUTPUT_PART_TYPE, liveOutputCollector } from "./live-output";
import { TurnLog } from "./turn-log";

export interface ChatTurn {
  id: string;
  threadId: string;
  /** Who started it: their questions are asked on their behalf. */
  ownerId: string;
  /** Their name, for routing rules that match on the requester. */
  ownerName: string;
  /** Aborts when Stop is pressed, when nobody has watched for the grace period, or when the turn ends. */
  signal: AbortSignal;
  log: TurnLog;
  stop(reason: string): void;
  /** Writes (or, same id, updates) the elicitation card in this run's stream. */
  showElicitation(data: ElicitationData): void;
  /** Adds output a running command printed (from MCP progress notifications) to the run's live output part. */
  showOutput(text: string): void;
  /** A tool call finished: the live output part empties, ready for the next command. */
  clearOutput(): void;
  /** Tool calls in flight, per MCP server name: the fallback route for servers that do not echo our id. */
  readonly toolCallsInFlight: Map<string, number>;
  /** Durable questions its agent run suspended on (lib/mcp/resumable-tool.ts); the turn waits for them. */
  readonly suspendedOn: Set<string>;
  /** Its agent run while that runs: a resume waits for the run to have suspended before it continues it. */
  driving?: Promise<void>;
  /** The id of the message its output goes to, when it continues a stored reply (a turn resumed after a restart). */
  replyId?: string;
}

/** Why a turn nobody watched ends: its durable questions wait on in storage, unlike when the person stops it. */
export const UNWATCHED_REASON = "nobody is watching this turn";

/** How long a finished turn can still be replayed by a tab that reloaded just as it ended. */
const REPLAYABLE_MS = 60_000;

export class ChatTurns {
  private readonly turns = new Map<string, ChatTurn>();
  private readonly finished = new Map<string, ChatTurn>();
  private readonly graceMs: number;
  private readonly openListeners = new Set<(run: ChatTurn) => void>();

  constructor(graceMs = 15_000) {
    this.graceMs = graceMs;
  }

  /** `id`: a resumed turn keeps the id of the run it continues (its reply, progress and cards keep their keys). */
  open(threadId: string, ownerId = LOCAL_USER_ID, ownerName = ownerId, id: string = randomUUID()): ChatTurn {
    const controller = new AbortController();
    let unwatched: ReturnType<typeof setTimeout> | undefined;
    const log = new TurnLog((watchers) => {
      clearTimeout(unwatched);
      if (watchers === 0 && !log.done) {
        unwatched = setTimeout(() => controller.abort(new Error(UNWATCHED_REASON)), this.graceMs);
        unwatched.unref?.();
      }
    });
    const output = liveOutputCollector((data) => log.push({ type: LIVE_OUTPUT_PART_TYPE, id: `output-${id}`, data }));
    const run: ChatTurn = {
      id,
      threadId,
      ownerId,
      ownerName,
      signal: controller.signal,
      log,
      stop: (reason) => controller.abort(new Error(reason)),
      showElicitation: (data) => log.push({ type: ELICITATION_PART_TYPE, id: data.id, data }),
      showOutput: (text) => output.add(text),
      clearOutput: () => output.reset(),
      toolCallsInFlight: new Map(),
      suspendedOn: new Set(),
    };
    controller.signal.addEventListener("abort", () => clearTimeout(unwatched), { once: true });
    // Until someone reads it, nobody is watching: a request that went away before reading never keeps it alive.
    log.noteSubscribers();
    this.turns.set(run.id, run);
    for (const listener of this.openListeners) listener(run);
    return run;
  }

  /** Hears every turn as it opens (lib/cluster/turn-relay.ts shares it with the other instances). */
  onOpen(listener: (run: ChatTurn) => void): void {
    this.openListeners.add(listener);
  }

  /** Ends a turn: its log closes, anything it still had pending is cancelled, and it stays replayable a while. */
  close(run: ChatTurn): void {
    run.log.end();
    run.stop("the turn ended");
    this.turns.delete(run.id);
    this.finished.set(run.id, run);
    setTimeout(() => this.finished.delete(run.id), REPLAYABLE_MS).unref?.();
  }

  /** A running or recently finished turn, for a tab that wants to replay it. */
  replayable(id: string): ChatTurn | undefined {
    return this.turns.get(id) ?? this.finished.get(id);
  }

  get(id: unknown): ChatTurn | undefined {
    return typeof id === "string" ? this.turns.get(id) : undefined;
  }

  /** Counts a tool call on `serverName` for `run` until the returned function is called. */
  trackToolCall(run: ChatTurn, serverName: string): () => void {
    const counts = run.toolCallsInFlight;
    counts.set(serverName, (counts.get(serverName) ?? 0) + 1);
    return () => {
      const left = (counts.get(serverName) ?? 1) - 1;
      if (left > 0) counts.set(serverName, left);
      else counts.delete(serverName);
    };
  }

  hasTurnIn(threadId: string): boolean {
    return [...this.turns.values()].some((run) => run.threadId === threadId);
  }

  /**
   * Which run an elicitation belongs to; undefined means nobody can tell, and the caller cancels it (nothing runs).
   * - On the shared connection (the bundled server, no `threadId`): only the correlation id the server echoes from
   *   the tool call's `_meta`. Guessing there could show one conversation's question in another.
   * - On a connection owned by one conversation (`threadId`: servers from mcp.json, which know nothing of our id):
   *   that conversation's run with a call in flight on the server, if there is exactly one.
   */
  routeOf(serverName: string, correlationId: unknown, threadId?: string): ChatTurn | undefined {
    const exact = this.get(correlationId);
    if (threadId === undefined) return exact;
    if (exact?.threadId === threadId) return exact;
    const candidates = [...this.turns.values()].filter((run) => run.threadId === threadId && run.toolCallsInFlight.has(serverName));
    return candidates.length === 1 ? candidates[0] : undefined;
  }
}
