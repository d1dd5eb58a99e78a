import "server-only";
import { PostgresAdapter, sql, type Kysely } from "kysely";

/**
 * Whether a query builder (a database, or a transaction of one) talks to Postgres. For the few places that must
 * say things differently per engine: a migration's column types, a lock that only Postgres needs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Inside a transaction: waits until no other transaction, in any process on the same database, holds the lock
 * `name`, and holds it until this one ends. Postgres only; SQLite lets one transaction write at a time anyway.
 * For appends that read the last row to write the next (the audit chain), which two instances would otherwise fork.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function lockUntilCommit(trx: Kysely<any>, name: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
}
