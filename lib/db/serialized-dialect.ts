import "server-only";
import { LibsqlDialect } from "@libsql/kysely-libsql";
import type { DatabaseConnection, Driver, TransactionSettings } from "kysely";

/**
 * libSQL runs SQLite calls synchronously, and its client opens a separate connection for each transaction. So while
 * one transaction waits between its statements, another connection's write in the same process would sit in
 * SQLite's busy wait, blocking the event loop the transaction needs to finish: a stall until the busy timeout, then
 * SQLITE_BUSY. One query or transaction at a time per process (as Kysely's own SQLite driver does) removes that;
 * the busy timeout is then only for other processes (a second instance, the users or audit command).
 */
export class SerializedLibsqlDialect extends LibsqlDialect {
  override createDriver(): Driver {
    return new SerializedDriver(super.createDriver());
  }
}

class SerializedDriver implements Driver {
  private readonly inner: Driver;
  private tail: Promise<void> = Promise.resolve();
  private readonly releases = new WeakMap<DatabaseConnection, () => void>();

  constructor(inner: Driver) {
    this.inner = inner;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      const connection = await this.inner.acquireConnection();
      this.releases.set(connection, release);
      return connection;
    } catch (error) {
      release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.releases.get(connection)?.();
      this.releases.delete(connection);
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
