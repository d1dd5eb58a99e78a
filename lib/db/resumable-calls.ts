import "server-only";
import { z } from "zod";
import type { Database } from "./open-database";
import type { ResumableCallRow } from "./tables";
import type { WriteQueue } from "./write-queue";

/** What it takes to retry a suspended tool call: the run and call Mastra resumes, and the server's request state. */
export interface ResumableCall {
  questionId: string;
  conversationId: string;
  runId: string;
  toolCallId: string;
  serverName: string;
  toolName: string;
  /** As sent the first time (after the approval gate, which may have edited them): the retry sends these. */
  arguments: Record<string, unknown>;
  inputKey: string;
  requestState?: string;
}

export const claimedAnswerSchema = z.object({
  action: z.enum(["accept", "decline", "cancel"]),
  content: z.record(z.string(), z.unknown()).optional(),
  by: z.string().optional(),
  at: z.number(),
});
/** The answer that won the claim: the one the retried call carries to the server. */
export type ClaimedAnswer = z.infer<typeof claimedAnswerSchema>;

export type ResumablePhase = "waiting" | "claimed" | "done";

export interface StoredResumableCall extends ResumableCall {
  phase: ResumablePhase;
  answer?: ClaimedAnswer;
  claimedBy?: string;
  claimedAt?: number;
}

/**
 * Suspended tool calls and their claims. The claim is the exactly-once point: of any number of answers, in this
 * process or another on the same database, only the one whose claim changed the row resumes the call.
 */
export interface ResumableCalls {
  save(call: ResumableCall): Promise<void>;
  get(questionId: string): Promise<StoredResumableCall | undefined>;
  /** Records `answer` and moves the call from waiting to claimed; false when it was not waiting (answered elsewhere). */
  claim(questionId: string, answer: ClaimedAnswer, claimant: string): Promise<boolean>;
  /** The retried call returned (whatever it said): the answer's content is forgotten. */
  finish(questionId: string): Promise<void>;
  /** The question ended without an answer (expired, cancelled): nothing can claim it any more. */
  close(questionId: string): Promise<void>;
  inPhase(phase: ResumablePhase): Promise<StoredResumableCall[]>;
}

export class SqlResumableCalls implements ResumableCalls {
  private readonly database: Database;
  private readonly writes: WriteQueue;
  /** Saves under way: a claim waits for its call's save (the card may show, and be answered, before it commits). */
  private readonly saving = new Map<string, Promise<void>>();

  constructor(database: Database, writes: WriteQueue) {
    this.database = database;
    this.writes = writes;
  }

  save(call: ResumableCall): Promise<void> {
    const now = Date.now();
    const saved = this.writes.enqueue(async (trx) => {
      await trx
        .insertInto("resumable_calls")
        .values({
          question_id: call.questionId,
          conversation_id: call.conversationId,
          run_id: call.runId,
          tool_call_id: call.toolCallId,
          server_name: call.serverName,
          tool_name: call.toolName,
          arguments: JSON.stringify(call.arguments),
          input_key: call.inputKey,
          request_state: call.requestState ?? null,
          phase: "waiting",
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
    this.saving.set(call.questionId, saved);
    void saved.catch(() => {}).finally(() => this.saving.delete(call.questionId));
    return saved;
  }

  async get(questionId: string): Promise<StoredResumableCall | undefined> {
    await this.database.ready;
    const row = await this.database.db.selectFrom("resumable_calls").selectAll().where("question_id", "=", questionId).executeTakeFirst();
    return row && callOf(row);
  }

  async claim(questionId: string, answer: ClaimedAnswer, claimant: string): Promise<boolean> {
    // Its save first (a failed one leaves no row: the claim then changes nothing and loses).
    await this.saving.get(questionId)?.catch(() => {});
    let won = false;
    await this.writes.enqueue(async (trx) => {
      // Compare-and-set: SQLite (and Postgres) apply it atomically, whoever else updates the row at the same time.
      const result = await trx
        .updateTable("resumable_calls")
        .set({ phase: "claimed", answer: JSON.stringify(answer), claimed_by: claimant, claimed_at: answer.at, updated_at: Date.now() })
        .where("question_id", "=", questionId)
        .where("phase", "=", "waiting")
        .executeTakeFirst();
      won = Number(result.numUpdatedRows) === 1;
    });
    return won;
  }

  finish(questionId: string): Promise<void> {
    return this.writes.enqueue(async (trx) => {
      const row = await trx.selectFrom("resumable_calls").select("answer").where("question_id", "=", questionId).executeTakeFirst();
      const answer = row?.answer ? claimedAnswerSchema.safeParse(JSON.parse(row.answer)) : undefined;
      const kept = answer?.success ? JSON.stringify({ ...answer.data, content: undefined }) : null;
      await trx
        .updateTable("resumable_calls")
        .set({ phase: "done", answer: kept, updated_at: Date.now() })
        .where("question_id", "=", questionId)
        .execute();
    });
  }

  close(questionId: string): Promise<void> {
    return this.writes.enqueue(async (trx) => {
      await trx
        .updateTable("resumable_calls")
        .set({ phase: "done", updated_at: Date.now() })
        .where("question_id", "=", questionId)
        .where("phase", "=", "waiting")
        .execute();
    });
  }

  async inPhase(phase: ResumablePhase): Promise<StoredResumableCall[]> {
    await this.database.ready;
    const rows = await this.database.db
      .selectFrom("resumable_calls")
      .selectAll()
      .where("phase", "=", phase)
      .orderBy("created_at")
      .execute();
    return rows.map(callOf);
  }
}

function callOf(row: ResumableCallRow): StoredResumableCall {
  const answer = row.answer ? claimedAnswerSchema.safeParse(JSON.parse(row.answer)) : undefined;
  return {
    questionId: row.question_id,
    conversationId: row.conversation_id,
    runId: row.run_id,
    toolCallId: row.tool_call_id,
    serverName: row.server_name,
    toolName: row.tool_name,
    arguments: argumentsOf(row.arguments),
    inputKey: row.input_key,
    ...(row.request_state !== null && { requestState: row.request_state }),
    phase: row.phase as ResumablePhase,
    ...(answer?.success && { answer: answer.data }),
    ...(row.claimed_by !== null && { claimedBy: row.claimed_by }),
    ...(row.claimed_at !== null && { claimedAt: Number(row.claimed_at) }),
  };
}

function argumentsOf(json: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(json);
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** STORAGE=memory: the same contract, for one process (nothing to resume after a restart). */
export class MemoryResumableCalls implements ResumableCalls {
  private readonly calls = new Map<string, StoredResumableCall>();

  async save(call: ResumableCall): Promise<void> {
    this.calls.set(call.questionId, { ...call, phase: "waiting" });
  }
  async get(questionId: string): Promise<StoredResumableCall | undefined> {
    const call = this.calls.get(questionId);
    return call && structuredClone(call);
  }
  async claim(questionId: string, answer: ClaimedAnswer, claimant: string): Promise<boolean> {
    const call = this.calls.get(questionId);
    if (call?.phase !== "waiting") return false;
    Object.assign(call, { phase: "claimed", answer, claimedBy: claimant, claimedAt: answer.at });
    return true;
  }
  async finish(questionId: string): Promise<void> {
    const call = this.calls.get(questionId);
    if (call) Object.assign(call, { phase: "done", answer: call.answer && { ...call.answer, content: undefined } });
  }
  async close(questionId: string): Promise<void> {
    const call = this.calls.get(questionId);
    if (call?.phase === "waiting") call.phase = "done";
  }
  async inPhase(phase: ResumablePhase): Promise<StoredResumableCall[]> {
    return [...this.calls.values()].filter((call) => call.phase === phase);
  }
}
