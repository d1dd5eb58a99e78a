/**
 * Pending elicitations: each is a promise an MCP elicitation handler awaits while a person decides.
 * It settles exactly once: by an answer, by the timeout (cancel, shown as expired) or by the chat request
 * closing (cancel). Whatever comes later is refused, so nothing is forwarded twice.
 */
import { randomUUID } from "node:crypto";
import {
  STATUS_BY_ACTION,
  type ElicitationAction,
  type ElicitationAnswer,
  type ElicitationContent,
  type ElicitationData,
  type ElicitationOutcome,
  type ElicitationStatus,
  type RequestedSchema,
} from "./contract";

export interface OpenElicitation {
  threadId: string;
  serverName: string;
  message: string;
  /** Defaults to a form; a URL request has no fields. */
  mode?: "form" | "url";
  url?: string;
  requestedSchema: RequestedSchema;
  command?: string;
  risk?: string;
  timeoutMs: number;
  /** The chat request's signal: when the browser goes away or Stop is pressed, the request is cancelled. */
  signal?: AbortSignal;
  /** Called with the card's data when it opens and once more when it settles. */
  onChange: (data: ElicitationData) => void;
}

/** What the MCP client sends back to the server. */
export interface Settlement {
  action: ElicitationAction;
  content?: ElicitationContent;
}

export type AnswerResult =
  | { kind: "answered"; outcome: ElicitationOutcome }
  | { kind: "not_found"; expired: boolean }
  | { kind: "conflict"; outcome: ElicitationOutcome };

interface Entry {
  data: ElicitationData;
  onChange: (data: ElicitationData) => void;
  resolve: (settlement: Settlement) => void;
  dispose: () => void;
}

const RETAIN_SETTLED_MS = 15 * 60_000;
const MAX_SETTLED = 10_000;
export const DEFAULT_MAX_PENDING_PER_SERVER = 20;

export class ElicitationRegistry {
  private readonly pending = new Map<string, Entry>();
  private readonly settled = new Map<string, ElicitationOutcome>();
  private readonly pendingByServer = new Map<string, number>();
  /** A server asking more than this many questions at once gets the rest cancelled (the spec's rate limit SHOULD). */
  maxPendingPerServer: number;

  constructor(maxPendingPerServer = DEFAULT_MAX_PENDING_PER_SERVER) {
    this.maxPendingPerServer = maxPendingPerServer;
  }

  open(request: OpenElicitation): { data: ElicitationData; settled: Promise<Settlement> } {
    const now = Date.now();
    const data: ElicitationData = {
      id: randomUUID(),
      mode: request.mode ?? "form",
      url: request.url,
      threadId: request.threadId,
      serverName: request.serverName,
      message: request.message,
      requestedSchema: request.requestedSchema,
      command: request.command,
      risk: request.risk,
      status: "pending",
      createdAt: now,
      expiresAt: now + request.timeoutMs,
    };
    let resolve!: (settlement: Settlement) => void;
    const settled = new Promise<Settlement>((r) => (resolve = r));

    const timer = setTimeout(() => this.settle(data.id, "expired", { action: "cancel" }, "nobody answered in time"), request.timeoutMs);
    const onAbort = () => this.settle(data.id, "cancelled", { action: "cancel" }, "the chat request was closed");
    const dispose = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
    };
    const fromServer = this.pendingByServer.get(request.serverName) ?? 0;
    this.pendingByServer.set(request.serverName, fromServer + 1);
    this.pending.set(data.id, { data, onChange: request.onChange, resolve, dispose });
    notify(request.onChange, data);

    if (fromServer >= this.maxPendingPerServer) {
      const why = `${request.serverName} already has ${fromServer} questions waiting`;
      this.settle(data.id, "cancelled", { action: "cancel" }, why);
    } else if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener("abort", onAbort, { once: true });
    return { data, settled };
  }

  /** A person's answer. Only the first settlement of an id counts. */
  answer(id: string, answer: ElicitationAnswer): AnswerResult {
    if (this.pending.has(id)) {
      const content = answer.action === "accept" ? (answer.content ?? {}) : undefined;
      const outcome = this.settle(id, STATUS_BY_ACTION[answer.action], { action: answer.action, content });
      if (outcome) return { kind: "answered", outcome };
    }
    const outcome = this.settledOutcome(id);
    if (!outcome) return { kind: "not_found", expired: false };
    return outcome.status === "expired" ? { kind: "not_found", expired: true } : { kind: "conflict", outcome };
  }

  get(id: string): ElicitationData | undefined {
    return this.pending.get(id)?.data;
  }

  /** A pending request's data, or how a recently settled one ended. */
  lookup(id: string): { pending: ElicitationData } | { settled: ElicitationOutcome } | undefined {
    const pending = this.get(id);
    if (pending) return { pending };
    const settled = this.settledOutcome(id);
    return settled && { settled };
  }

  listPending(threadId?: string): ElicitationData[] {
    return [...this.pending.values()].map((e) => e.data).filter((d) => threadId === undefined || d.threadId === threadId);
  }

  private settle(id: string, status: Exclude<ElicitationStatus, "pending">, settlement: Settlement, note?: string) {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    const left = (this.pendingByServer.get(entry.data.serverName) ?? 1) - 1;
    if (left > 0) this.pendingByServer.set(entry.data.serverName, left);
    else this.pendingByServer.delete(entry.data.serverName);
    entry.dispose();
    const answeredAt = Date.now();
    const outcome: ElicitationOutcome = { id, status, answeredAt };
    this.remember(outcome);
    entry.data = { ...entry.data, status, ...(note && { note }) };
    notify(entry.onChange, entry.data);
    entry.resolve(settlement);
    return outcome;
  }

  private remember(outcome: ElicitationOutcome): void {
    this.settled.set(outcome.id, outcome);
    // Oldest first: Map keeps insertion order.
    for (const [id, old] of this.settled) {
      if (this.settled.size <= MAX_SETTLED && outcome.answeredAt - old.answeredAt < RETAIN_SETTLED_MS) break;
      this.settled.delete(id);
    }
  }

  private settledOutcome(id: string): ElicitationOutcome | undefined {
    const outcome = this.settled.get(id);
    return outcome && Date.now() - outcome.answeredAt < RETAIN_SETTLED_MS ? outcome : undefined;
  }
}

function notify(onChange: (data: ElicitationData) => void, data: ElicitationData): void {
  try {
    onChange(data);
  } catch {
    // A closed stream must not stop the request from settling.
  }
}
