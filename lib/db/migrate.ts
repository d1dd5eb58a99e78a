import "server-only";
import type { Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { errorMessage, isDatabaseUnavailable } from "@/lib/errors";
import { StorageError } from "./database";
import { migrationProvider } from "./migrations";
import type { Tables } from "./tables";

/**
 * Brings the database to the latest migration. Each migration runs in a transaction. On Postgres, Kysely holds an
 * advisory lock while it migrates, so instances starting together take turns and the later ones find the work
 * done. SQLite has no such lock in Kysely: another process migrating the same file at the same moment (a second
 * instance, the users command) makes one of them fail, and that one tries again and finds the work done. A server
 * that cannot be reached is not retried here: the caller says so at once (and may try again later).
 */
export async function migrate(db: Kysely<Tables>, location: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  let lastError: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    if (isDatabaseUnavailable(error)) throw error;
    lastError = error;
    // Backing off with jitter: under load the other process may need a while to commit.
    await new Promise((resolve) => setTimeout(resolve, (50 + Math.random() * 100) * (attempt + 1)));
  }
  throw new StorageError(`Could not migrate the database ${location}: ${errorMessage(lastError)}`, { cause: lastError });
}
