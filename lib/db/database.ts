import "server-only";
import type { Kysely } from "kysely";
import type { Tables } from "./tables";

/** The database every store uses: the typed query layer, and `ready` once it exists and is migrated. */
export interface Database {
  readonly db: Kysely<Tables>;
  /** Which engine: the embedded SQLite file, or a Postgres server (DATABASE_URL=postgres://...). */
  readonly dialect: "sqlite" | "postgres";
  /** Where it lives, for messages: a file path for SQLite; for Postgres its URL without the password. */
  readonly location: string;
  /** Resolves once the database is open and migrated; rejects with a StorageError saying what to fix. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Start-up cannot use the database: the message says which database and what to do. */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
  }
}

/** Whether DATABASE_URL names a Postgres server rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^(postgres|postgresql):/i.test(url.trim());
}
