import "server-only";
import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { sql, type Kysely } from "kysely";
import { username } from "better-auth/plugins/username";
import { ConfigError } from "@/lib/config";
import { keptSecret } from "@/lib/db/kept-secret";
import type { Database } from "@/lib/db/open-database";

/**
 * Sign-in, sessions and API keys: better-auth over the app's own database. Its tables (user, session, account,
 * verification, apikey) are created by its own migrations (migrateAuth), not by lib/db/migrations. People are
 * named (the username plugin); the email it needs is a placeholder, `<name>@users.invalid`, never used to mail.
 * Nobody signs up over HTTP: users are made with `npm run users` (lib/auth/users.ts).
 */
export function createAuth(database: Pick<Database, "db" | "dialect" | "location">, env: Record<string, string | undefined> = process.env) {
  return betterAuth({
    // Kysely<Tables> does not know better-auth's tables; its adapter only needs the query builder.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    database: { db: database.db as any, type: database.dialect },
    secret: authSecret(database, env),
    basePath: "/api/auth",
    // The app answers under whatever host the operator allowed (proxy.ts refuses the others before this runs), so
    // the trusted origin is the page's own: an Origin whose host is the Host the request was sent to.
    trustedOrigins: (request) => sameHostOrigin(request),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12 },
    user: {
      additionalFields: {
        // Set only by the users CLI; a request can never choose its own role.
        role: { type: "string", required: false, defaultValue: "requester", input: false },
      },
    },
    advanced: {
      // Secure (https only) when the deployment says it is served over https; sign-in on plain http must work.
      // On in every environment (better-auth turns it off under test runners): tests check it too.
      disableOriginCheck: false,
      useSecureCookies: env.BETTER_AUTH_URL?.startsWith("https://") ?? false,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      // Its check runs as the instance is made, before migrateAuth (which every start awaits) creates the tables.
      database: { validateSchema: false },
    },
    plugins: [
      username({ minUsernameLength: 2, maxUsernameLength: 40 }),
      // Keys are for scripts and tests: no per-key request quota (the default allows 10 a day).
      apiKey({ defaultPrefix: "ec_", rateLimit: { enabled: false } }),
    ],
    // Guessing passwords: a few tries a minute per address and path (better-auth's default is 3 per 10 s).
    // On Postgres (several instances) the counts are kept in the database, so the limit is the app's, not each
    // instance's; alone, in memory.
    rateLimit: {
      storage: database.dialect === "postgres" ? "database" : "memory",
      customRules: { "/sign-in/username": { window: 60, max: signInAttemptsPerMinute(env) } },
    },
    logger: {
      level: "error",
      // A wrong or expired key is a 401 for the caller, not an error of the server's.
      log: (level, message, ...args) => {
        if (!message.startsWith("Failed to validate API key")) console.error(`[auth] ${level}: ${message}`, ...args);
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * Creates or updates better-auth's tables to what this configuration needs. On Postgres, instances starting together
 * take turns: better-auth has no lock of its own, and two creating the same table at once would fail one of them.
 * The lock is held by the one connection the migration runs on (the server drops it if that connection dies).
 */
export async function migrateAuth(auth: Auth): Promise<void> {
  const { db, type } = auth.options.database as { db: Kysely<unknown>; type: Database["dialect"] };
  if (type !== "postgres") {
    const { runMigrations } = await getMigrations(auth.options);
    return runMigrations();
  }
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext(${AUTH_MIGRATION_LOCK}))`.execute(connection);
    try {
      const { runMigrations } = await getMigrations({ ...auth.options, database: { db: connection, type } });
      await runMigrations();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${AUTH_MIGRATION_LOCK}))`.execute(connection);
    }
  });
}

const AUTH_MIGRATION_LOCK = "elicit-chat better-auth migrations";

function sameHostOrigin(request: Request | undefined): string[] {
  const origin = request?.headers.get("origin");
  const host = request?.headers.get("host");
  if (!origin || !host) return [];
  try {
    return new URL(origin).host === host.toLowerCase() ? [origin] : [];
  } catch {
    return [];
  }
}

/** SIGN_IN_ATTEMPTS_PER_MINUTE (default 10): sign-in attempts allowed per client address per minute. */
export function signInAttemptsPerMinute(env: Record<string, string | undefined>): number {
  const value = env.SIGN_IN_ATTEMPTS_PER_MINUTE?.trim();
  if (!value) return DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE;
  if (!/^\d+$/.test(value) || Number(value) === 0)
    throw new ConfigError([`SIGN_IN_ATTEMPTS_PER_MINUTE="${value}": expected a positive integer`]);
  return Number(value);
}

const DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

/** The placeholder email better-auth requires, derived from the name. */
export function placeholderEmail(name: string): string {
  return `${name.toLowerCase()}@users.invalid`;
}

/**
 * BETTER_AUTH_SECRET if set; otherwise, on SQLite, one generated on first use and kept beside the database
 * (owner-only), so sessions survive restarts and the users CLI and the server agree. Never a fixed value. On
 * Postgres there is no file beside the database, and every instance must sign with the same secret: it must be set.
 */
function authSecret(database: Pick<Database, "dialect" | "location">, env: Record<string, string | undefined>): string {
  const fromEnv = env.BETTER_AUTH_SECRET?.trim();
  if (fromEnv) return fromEnv;
  if (database.dialect === "postgres") {
    throw new ConfigError([
      "BETTER_AUTH_SECRET must be set when DATABASE_URL is Postgres: every instance must sign sessions with the same secret (e.g. openssl rand -base64 32)",
    ]);
  }
  return keptSecret(`${database.location}.auth-secret`);
}
