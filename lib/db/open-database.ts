import "server-only";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createClient, type Client } from "@libsql/client";
import { SerializedLibsqlDialect } from "./serialized-dialect";
import { Kysely } from "kysely";
import { errorMessage } from "@/lib/errors";
import { isPostgresUrl, StorageError, type Database } from "./database";
import { migrate } from "./migrate";
import { openPostgres, redactedUrl, type PostgresOptions } from "./open-postgres";
import type { Tables } from "./tables";

export { StorageError, type Database } from "./database";

/** Settings of the Postgres pool (DATABASE_POOL_MAX); SQLite has none. */
export type DatabaseOptions = Pick<PostgresOptions, "poolMax">;

/** How long a write waits for another connection's write before failing (SQLite allows one writer at a time). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the database DATABASE_URL names and brings it to the latest migration: a Postgres server for a
 * postgres:// or postgresql:// URL (see open-postgres.ts), otherwise the embedded SQLite file at `url` (a `file:` URL
 * or a path; created with its folder if missing), in WAL mode with a busy timeout.
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  if (isPostgresUrl(url)) return openPostgres(url.trim(), options);
  const file = sqliteFile(url);
  checkWritable(file);
  let client: Client;
  try {
    client = createClient({ url: pathToFileURL(file).href, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StorageError(`Cannot open the database ${file}: ${errorMessage(error)}`, { cause: error });
  }
  const db = new Kysely<Tables>({ dialect: new SerializedLibsqlDialect({ client }) });
  const ready = (async () => {
    // WAL: readers never wait for the writer, and a commit survives the process being killed right after it.
    await client.execute("PRAGMA journal_mode = WAL");
    await migrate(db, file);
  })().catch((error: unknown) => {
    throw error instanceof StorageError
      ? error
      : new StorageError(`Cannot open the database ${file}: ${errorMessage(error)}`, { cause: error });
  });
  ready.catch(() => {}); // Whoever awaits `ready` hears the error; an unawaited rejection must not crash the process.
  return {
    db,
    dialect: "sqlite",
    location: file,
    ready,
    close: async () => {
      await ready.catch(() => {});
      await db.destroy();
      client.close();
    },
  };
}

const SHARED = Symbol.for("elicit-chat.databases");
type WithDatabases = typeof globalThis & { [SHARED]?: Map<string, Database> };

/**
 * The one Database of this process for `url`, opened on first use. Everything in the app (routes, proxy.ts) goes
 * through it: two SQLite connections in one process would stall each other (see serialized-dialect.ts), and
 * Postgres connections are counted against the pool's limit.
 */
export function sharedDatabase(url: string, options: DatabaseOptions = {}): Database {
  const holder = globalThis as WithDatabases;
  const databases = (holder[SHARED] ??= new Map());
  // The same database however it is spelled: a SQLite file by its path, a server by its URL without the password.
  const key = isPostgresUrl(url) ? redactedUrl(url) : sqliteFile(url);
  let database = databases.get(key);
  if (!database) {
    const opened = openDatabase(isPostgresUrl(url) ? url : key, options);
    // Closed, it is forgotten: the next caller opens it again. (`ready` is read through: on Postgres it is tried
    // again after an outage, so it must not be copied once.)
    const shared: Database = {
      db: opened.db,
      dialect: opened.dialect,
      location: opened.location,
      get ready() {
        return opened.ready;
      },
      close: () => (databases.delete(key), opened.close()),
    };
    database = shared;
    databases.set(key, shared);
  }
  return database;
}

/**
 * The SQLite file a DATABASE_URL names (relative paths from the working directory). A Postgres URL is refused:
 * what needs a file beside the database (kept secrets, Mastra's run storage) must branch on the dialect first.
 */
export function sqliteFile(url: string): string {
  if (isPostgresUrl(url)) {
    throw new StorageError("DATABASE_URL names a Postgres server, not a SQLite file: this needs the file of a SQLite database.");
  }
  if (url.startsWith("file:")) {
    const rest = url.slice("file:".length);
    // file:relative/path and file:/abs/path as well as file:///abs/path.
    return rest.startsWith("//") ? fileURLToPath(url) : path.resolve(/*turbopackIgnore: true*/ rest);
  }
  if (url === ":memory:" || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StorageError(`DATABASE_URL="${url}" is not a SQLite file: give a path such as ./data/elicit-chat.db.`);
  }
  return path.resolve(/*turbopackIgnore: true*/ url);
}

/** Fails with a message that says what to fix, before SQLite fails with one that does not. */
function checkWritable(file: string): void {
  const folder = path.dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new StorageError(`Cannot write the database folder ${folder} (${errorMessage(error)}): set DATABASE_URL to a writable place.`);
  }
  if (!existsSync(file)) return; // Not there yet: SQLite creates it.
  if (!statSync(file).isFile())
    throw new StorageError(`Cannot open the database ${file}: it is not a file. Set DATABASE_URL to a file path.`);
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new StorageError(`Cannot write the database file ${file} (${errorMessage(error)}): fix its permissions or set DATABASE_URL.`);
  }
}
