import "server-only";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createClient, type Client } from "@libsql/client";
import { SerializedLibsqlDialect } from "./serialized-dialect";
import { Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { errorMessage } from "@/lib/errors";
import { migrationProvider } from "./migrations";
import type { Tables } from "./tables";

/** The database every store uses: the typed query layer, and `ready` once it exists and is migrated. */
export interface Database {
  readonly db: Kysely<Tables>;
  /** Where it lives, for messages (a file path for SQLite). */
  readonly location: string;
  /** Resolves once the file is open and migrated; rejects with a StorageError saying what to fix. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Start-up cannot use the database: the message says which file and what to do. */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
  }
}

/** How long a write waits for another connection's write before failing (SQLite allows one writer at a time). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the embedded SQLite database at `url` (a `file:` URL or a path; created with its folder if missing),
 * in WAL mode with a busy timeout, and brings it to the latest migration.
 */
export function openDatabase(url: string): Database {
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
 * through it: two connections in one process would stall each other (see serialized-dialect.ts).
 */
export function sharedDatabase(url: string): Database {
  const holder = globalThis as WithDatabases;
  const databases = (holder[SHARED] ??= new Map());
  const file = sqliteFile(url);
  let database = databases.get(file);
  if (!database) {
    const opened = openDatabase(file);
    // Closed, it is forgotten: the next caller opens the file again.
    database = { ...opened, close: () => (databases.delete(file), opened.close()) };
    databases.set(file, database);
  }
  return database;
}

/**
 * Brings the database to the latest migration. Each migration runs in a transaction; another process migrating
 * the same file at the same moment (a second instance, the users command) makes one of them fail, and that one
 * tries again and finds the work done. SQLite has no migration lock of its own in Kysely.
 */
async function migrate(db: Kysely<Tables>, file: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  let lastError: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    lastError = error;
    // Backing off with jitter: under load the other process may need a while to commit.
    await new Promise((resolve) => setTimeout(resolve, (50 + Math.random() * 100) * (attempt + 1)));
  }
  throw new StorageError(`Could not migrate the database ${file}: ${errorMessage(lastError)}`, { cause: lastError });
}

/** The SQLite file a DATABASE_URL names (relative paths from the working directory); Postgres is refused. */
export function sqliteFile(url: string): string {
  if (/^(postgres|postgresql):/i.test(url)) {
    throw new StorageError("DATABASE_URL names Postgres, which this version cannot use yet: give a file path for SQLite.");
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
