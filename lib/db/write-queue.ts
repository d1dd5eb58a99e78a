import "server-only";
import type { Kysely, Transaction } from "kysely";
import { errorMessage } from "@/lib/errors";
import type { Database } from "./open-database";
import type { Tables } from "./tables";

type Write = (trx: Transaction<Tables>) => Promise<void>;

interface Queued {
  write: Write;
  done: () => void;
  failed: (error: unknown) => void;
}

/**
 * Group commit: writes that arrive while one transaction commits go together in the next, so a burst of answers
 * costs a few commits instead of one each, and each caller still learns when its own write is on disk. A batch
 * that fails is retried one write at a time, so one bad write cannot take the others down with it.
 *
 * Inside a write, use only the `trx` it is given: SQLite runs one transaction at a time per process
 * (serialized-dialect.ts), so a query on `database.db` from inside a write would wait for itself forever; on Postgres
 * it would run outside the transaction, on another connection, and could wait for this transaction's own locks.
 */
export class WriteQueue {
  private queued: Queued[] = [];
  private flushing: Promise<void> | undefined;
  private readonly database: Pick<Database, "db" | "ready">;
  private readonly log: (message: string) => void;

  constructor(database: Pick<Database, "db" | "ready">, log: (message: string) => void = (m) => console.error(`[db] ${m}`)) {
    this.database = database;
    this.log = log;
  }

  /** Resolves once the write has committed; rejects if it could not be. */
  enqueue(write: Write): Promise<void> {
    const committed = new Promise<void>((done, failed) => this.queued.push({ write, done, failed }));
    this.flushing ??= this.flushAll();
    return committed;
  }

  /** Resolves once everything enqueued before the call has committed (or failed). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushAll(): Promise<void> {
    // Let the writes of the current tick join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      await this.database.ready;
      while (this.queued.length > 0) await this.flush(this.queued.splice(0));
    } catch (error) {
      for (const item of this.queued.splice(0)) item.failed(error);
    } finally {
      this.flushing = undefined;
    }
  }

  private async flush(batch: Queued[]): Promise<void> {
    const db: Kysely<Tables> = this.database.db;
    try {
      await db.transaction().execute(async (trx) => {
        for (const item of batch) await item.write(trx);
      });
      batch.forEach((item) => item.done());
      return;
    } catch (error) {
      if (batch.length === 1) {
        this.log(`a write failed: ${errorMessage(error)}`);
        return batch[0]?.failed(error);
      }
    }
    for (const item of batch) await this.flush([item]);
  }
}
