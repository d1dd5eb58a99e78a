import "server-only";
import type { Database } from "@/lib/db/open-database";
import type { WriteQueue } from "@/lib/db/write-queue";
import type { NotificationType } from "./event";

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One notification to one channel, and how its attempts went so far. */
export interface DeliveryRecord {
  id: string;
  questionId: string;
  channel: string;
  event: NotificationType;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryQuery {
  questionId?: string;
  /** Newest first; at most this many (default 100, at most 500). */
  limit?: number;
}

const MAX_LIST = 500;

/** The notification_deliveries table: a row per delivery, updated after each attempt, written through the queue. */
export class DeliveryLog {
  private readonly database: Pick<Database, "db" | "ready">;
  private readonly writes: WriteQueue;

  constructor(database: Pick<Database, "db" | "ready">, writes: WriteQueue) {
    this.database = database;
    this.writes = writes;
  }

  opened(delivery: { id: string; questionId: string; channel: string; event: NotificationType }, now = Date.now()): Promise<void> {
    return this.writes.enqueue(async (trx) => {
      await trx
        .insertInto("notification_deliveries")
        .values({
          id: delivery.id,
          question_id: delivery.questionId,
          channel: delivery.channel,
          event: delivery.event,
          status: "pending",
          attempts: 0,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
  }

  attempted(id: string, result: { status: DeliveryStatus; attempts: number; lastError: string | null }, now = Date.now()): Promise<void> {
    return this.writes.enqueue(async (trx) => {
      await trx
        .updateTable("notification_deliveries")
        .set({ status: result.status, attempts: result.attempts, last_error: result.lastError, updated_at: now })
        .where("id", "=", id)
        .execute();
    });
  }

  async list(query: DeliveryQuery = {}): Promise<DeliveryRecord[]> {
    await this.database.ready;
    let select = this.database.db.selectFrom("notification_deliveries").selectAll();
    if (query.questionId !== undefined) select = select.where("question_id", "=", query.questionId);
    const rows = await select
      .orderBy("created_at", "desc")
      .orderBy("id")
      .limit(Math.min(Math.max(1, query.limit ?? 100), MAX_LIST))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      questionId: row.question_id,
      channel: row.channel,
      event: row.event as NotificationType,
      status: row.status as DeliveryStatus,
      attempts: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }
}
