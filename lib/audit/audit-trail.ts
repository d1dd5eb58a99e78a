import "server-only";
import { lockUntilCommit } from "@/lib/db/dialect";
import type { WriteQueue } from "@/lib/db/write-queue";
import type { StoredQuestion } from "@/lib/db/question-store";
import { errorMessage } from "@/lib/errors";
import type { AuditedEvent, AuditInput } from "./audit-input";
import { EffectLinks, effectOfToolOutput, type TurnChunk } from "./effects";
import { canonicalJson, entryHash, GENESIS_HASH } from "./hash";
import { entriesOfEvent, restartExpiryEntry, toolNameOf } from "./question-entries";
import { Redaction } from "./redact";

export type { AuditedEvent, AuditInput } from "./audit-input";

export interface AuditTrailOptions {
  /** Field names never kept (AUDIT_REDACT_FIELDS); more can be added later with redactFields(). */
  redactFields?: Iterable<string>;
  log?: (message: string) => void;
}

/**
 * The append-only, hash-chained audit trail (table audit_entries; the chain is defined in ./hash.ts). Appends go
 * through the write queue, so they commit together with the question changes they describe, in groups; the
 * previous hash is read inside the write's own transaction, and the queue runs one transaction at a time, so
 * appends made at the same moment still form one unbroken chain; on Postgres, appends of other instances wait for
 * the lock this one holds until it commits.
 */
export class AuditTrail {
  private readonly writes: WriteQueue;
  private readonly redaction: Redaction;
  private readonly links = new EffectLinks();
  /** Approvals already recorded per pending question (four eyes): each is recorded once, as it is given. */
  private readonly approvalsSeen = new Map<string, number>();
  private readonly log: (message: string) => void;

  constructor(writes: WriteQueue, options: AuditTrailOptions = {}) {
    this.writes = writes;
    this.redaction = new Redaction(options.redactFields);
    this.log = options.log ?? ((message) => console.error(`[audit] ${message}`));
  }

  /** Adds field names to redact from now on (the routing rules' sensitive fields, say). */
  redactFields(names: Iterable<string>): void {
    this.redaction.add(names);
  }

  /** Appends one entry; resolves once it is committed. */
  record(input: AuditInput): Promise<void> {
    const at = input.at ?? Date.now();
    const details = canonicalJson(this.redaction.apply(input.details ?? {}));
    return this.writes.enqueue(async (trx) => {
      // Instances sharing a Postgres database would each read the same last entry and fork the chain: they take
      // turns (the second one's seq would also collide with the first's, and its append fail).
      await lockUntilCommit(trx, "audit_entries");
      const last = await trx.selectFrom("audit_entries").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
      const fields = {
        seq: (last?.seq ?? 0) + 1,
        at,
        type: input.type,
        question_id: input.questionId ?? null,
        conversation_id: input.conversationId ?? null,
        actor: input.actor,
        server_name: input.serverName ?? null,
        tool_name: input.toolName ?? null,
        outcome: input.outcome ?? null,
        details,
        prev_hash: last?.hash ?? GENESIS_HASH,
      };
      await trx
        .insertInto("audit_entries")
        .values({ ...fields, hash: entryHash(fields) })
        .execute();
    });
  }

  /** The registry's observer: every question's lifecycle. Never throws; a failed append is logged. */
  observe(event: AuditedEvent): void {
    if (event.type === "asked") this.links.asked(event.data);
    // A durable question shown again after a restart was recorded when it was asked.
    if (event.type === "asked" && "restored" in event && event.restored) return;
    if (event.type === "updated") this.recordApprovals(event.data);
    if (event.type === "settled") this.approvalsSeen.delete(event.data.id);
    for (const entry of entriesOfEvent(event, this.redaction)) this.append(entry);
  }

  /** Under four eyes each approval is its own entry, by its own person; an edit that starts the count again restarts it. */
  private recordApprovals(data: AuditedEvent["data"]): void {
    const approvals = data.review?.approvals ?? [];
    const seen = Math.min(this.approvalsSeen.get(data.id) ?? 0, approvals.length);
    for (const approval of approvals.slice(seen)) {
      this.append({
        type: "approved",
        at: approval.at,
        questionId: data.id,
        conversationId: data.threadId,
        actor: approval.by,
        serverName: data.serverName,
        toolName: toolNameOf(data),
        outcome: `${approvals.indexOf(approval) + 1} of ${data.review?.approvalsNeeded ?? 1}`,
      });
    }
    this.approvalsSeen.set(data.id, approvals.length);
  }

  /** The questions a restart found waiting, now expired: nothing ran. */
  recordRestartExpiry(expired: readonly StoredQuestion[], note: string): Promise<void> {
    return Promise.all(expired.map((question) => this.record(restartExpiryEntry(question, note)))).then(() => {});
  }

  /** One chunk of a chat turn's stream: a bundled-server command's result becomes a ran / not-run entry. */
  sawTurnChunk(turn: { id: string; threadId: string }, chunk: TurnChunk): void {
    const effect = effectOfToolOutput(turn, chunk, this.links);
    if (effect) this.append(effect);
  }

  private append(entry: AuditInput): void {
    this.record(entry).catch((error: unknown) => this.log(`could not append a ${entry.type} entry: ${errorMessage(error)}`));
  }
}
