import "server-only";
import { Kysely, PostgresDialect, type PostgresPool } from "kysely";
import pg from "pg";
import { DatabaseUnavailableError, errorMessage, isDatabaseUnavailable } from "@/lib/errors";
import { StorageError, type Database } from "./database";
import { migrate } from "./migrate";
import type { Tables } from "./tables";

export interface PostgresOptions {
  /** Connections this process may hold at once (DATABASE_POOL_MAX; default 10). */
  poolMax?: number;
  /** How long to wait for a connection (a new one, or a free one from a full pool) before failing; default 5 s. */
  connectionTimeoutMs?: number;
  /** Where problems with idle connections are told (they are not any request's error). */
  log?: (message: string) => void;
}

export const DEFAULT_POOL_MAX = 10;
const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

/**
 * bigint columns (our timestamps, in ms) as JS numbers, not strings: exact up to 2^53, far beyond any date. Set on
 * this pool's own clients, so another user of `pg` in the process (Mastra's run storage) keeps its defaults.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * Opens the Postgres database at `url` over a connection pool, and brings it to the latest migration (once, however
 * many instances start together: see migrate.ts). The server going away is no reason to exit: queries fail with an
 * error the API answers as 503, idle connections that broke are dropped, and the next query connects again.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): Database {
  const location = redactedUrl(url);
  const log = options.log ?? ((message: string) => console.error(`[db] ${message}`));
  const poolMax = options.poolMax ?? DEFAULT_POOL_MAX;
  if (!Number.isInteger(poolMax) || poolMax < 1)
    throw new StorageError(`The database pool size must be a positive integer, not ${poolMax}.`);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: "elicit-chat",
    types,
  });
  // An idle connection that breaks (the server restarted) is an event, not a thrown error: without a listener
  // Node would end the process. The pool drops that connection and makes a new one when next asked.
  pool.on("error", (error) => log(`an idle database connection failed: ${errorMessage(error)}`));
  // A connection checked out by a query emits its errors on itself, where the pool no longer listens.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: reportingUnavailable(pool, location) }) });

  // `ready` is tried again after a failure to reach the server, so an instance started while Postgres was down
  // works once it is back; any other failure (a migration that cannot run) stays as it is.
  let attempt: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    if (attempt) return attempt;
    const current = migrate(db, location).catch((error: unknown) => {
      if (isDatabaseUnavailable(error) && attempt === current) attempt = undefined;
      if (error instanceof StorageError) throw error;
      // "Cannot reach the database at ..." says it all; anything else is named with where it happened.
      const message =
        error instanceof DatabaseUnavailableError ? error.message : `Cannot open the database ${location}: ${errorMessage(error)}`;
      throw new StorageError(message, { cause: error });
    });
    current.catch(() => {}); // Whoever awaits `ready` hears the error; an unawaited rejection must not crash the process.
    attempt = current;
    return current;
  };
  void ready();
  return {
    db,
    dialect: "postgres",
    location,
    get ready() {
      return ready();
    },
    close: async () => {
      await attempt?.catch(() => {});
      await db.destroy();
    },
  };
}

/** The pool as Kysely sees it, with a failure to get a connection named as the database being unavailable. */
function reportingUnavailable(pool: pg.Pool, location: string): PostgresPool {
  return {
    Client: pg.Client,
    options: pool.options,
    connect: async () => {
      try {
        return await pool.connect();
      } catch (error) {
        // The server answered, and not that it cannot take us now: a wrong password or database name is no outage.
        if (isServerError(error) && !isDatabaseUnavailable(error)) throw error;
        // Refused, timed out, or the server said it cannot take us (starting, shutting down, too many clients).
        throw new DatabaseUnavailableError(location, error);
      }
    },
    end: () => pool.end(),
  };
}

/** An error the server sent (pg's DatabaseError carries a severity), rather than one of the network. */
function isServerError(error: unknown): boolean {
  return typeof (error as { severity?: unknown } | null)?.severity === "string";
}

/** The URL for messages and logs: scheme, user, host, port and database, never the password or the options. */
export function redactedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // The URL itself is not repeated: it may hold a password.
    throw new StorageError("DATABASE_URL is not a valid Postgres URL: expected postgres://user:password@host:5432/database.");
  }
  const user = parsed.username ? `${parsed.username}@` : "";
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
}
