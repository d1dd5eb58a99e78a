/**
 * The Postgres path of openDatabase: what it refuses, what it shows, migrations under concurrency, and what an
 * outage does (a store call rejects as "unavailable", nothing crashes, and the same Database works once it is back).
 */
import { sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuth, migrateAuth } from "@/lib/auth/auth";
import { errorResponse } from "@/lib/errors";
import { havePostgres, type TestPostgres } from "@/testing/postgres";
import { testPostgres } from "@/testing/test-storage";
import { SqlConversationStore } from "./conversation-store";
import { migrationProvider } from "./migrations";
import { openDatabase, sharedDatabase, StorageError, type Database } from "./open-database";
import { redactedUrl } from "./open-postgres";

const opened: Database[] = [];
afterEach(async () => void (await Promise.all(opened.splice(0).map((database) => database.close()))));
function open(url: string, options?: { poolMax?: number }): Database {
  const database = openDatabase(url, options);
  opened.push(database);
  return database;
}

describe("a Postgres DATABASE_URL, before connecting", () => {
  it.each([
    ["postgres://user:pw@:5432/db", /not a valid Postgres URL/],
    ["postgresql://user:hunter2@[bad/db", /not a valid Postgres URL/],
  ])("refuses %s with a StorageError saying what to give, never repeating the password", (url, message) => {
    expect(() => openDatabase(url)).toThrow(StorageError);
    expect(() => openDatabase(url)).toThrow(message);
    expect(() => openDatabase(url)).not.toThrow(/hunter2|pw@/);
  });

  it("shows where it is without the password or the options", () => {
    expect(redactedUrl("postgres://app:s3cret@db.internal:5433/chat?sslmode=require")).toBe("postgres://app@db.internal:5433/chat");
    expect(redactedUrl("postgresql://db.internal/chat")).toBe("postgresql://db.internal/chat");
  });

  it("refuses a pool of no connections", () => {
    expect(() => openDatabase("postgres://127.0.0.1/x", { poolMax: 0 })).toThrow(/positive integer/);
  });
});

describe.skipIf(!havePostgres())("openDatabase on Postgres", () => {
  let cluster: TestPostgres;
  beforeAll(async () => void (cluster = await testPostgres()));

  it("migrates a new database, keeps the password out of `location`, and says it is Postgres", async () => {
    const url = (await cluster.newDatabase()).replace("postgres@", "postgres:not-shown@");
    const database = open(url);
    await database.ready;
    expect(database.dialect).toBe("postgres");
    expect(database.location).not.toContain("not-shown");
    expect(database.location).toContain(`127.0.0.1:${cluster.port}`);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(database.db);
    expect(tables.rows.map((row) => row.tablename)).toEqual(
      expect.arrayContaining(["conversations", "messages", "questions", "audit_entries", "notification_deliveries", "resumable_calls"]),
    );
    const seq = await sql<{ data_type: string; is_identity: string }>`
      select data_type, is_identity from information_schema.columns where table_name = 'audit_entries' and column_name = 'seq'`.execute(
      database.db,
    );
    expect(seq.rows).toEqual([{ data_type: "integer", is_identity: "YES" }]);
  });

  it("reads bigint columns back as numbers", async () => {
    const database = open(await cluster.newDatabase());
    await database.ready;
    const at = 1_750_000_000_123;
    await database.db.insertInto("conversations").values({ id: "c", owner_id: "x", title: "", created_at: at, updated_at: at }).execute();
    const row = await database.db.selectFrom("conversations").select(["created_at"]).executeTakeFirstOrThrow();
    expect(row.created_at).toBe(at);
  });

  it("holds no more connections than its pool allows, however many queries wait", async () => {
    const url = await cluster.newDatabase();
    const database = open(url, { poolMax: 3 });
    await database.ready;
    const sleeps = Array.from({ length: 20 }, () => sql`select pg_sleep(0.05)`.execute(database.db));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const watcher = new pg.Client({ connectionString: url, application_name: "watcher" });
    await watcher.connect();
    try {
      const seen = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'elicit-chat'",
      );
      expect(seen.rows[0]?.n).toBe(3);
    } finally {
      await watcher.end();
    }
    await Promise.all(sleeps);
  });

  it("migrates once when many instances start together on a new database", async () => {
    const url = await cluster.newDatabase();
    const instances = Array.from({ length: 8 }, () => open(url, { poolMax: 2 }));
    await Promise.all(instances.map((database) => database.ready));
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(instances[0]!.db);
    expect(rows.rows.map((row) => row.name)).toEqual(Object.keys(await migrationProvider.getMigrations()));
  });

  it("migrates the sign-in tables once when instances start together (better-auth has no lock of its own)", async () => {
    const url = await cluster.newDatabase();
    const instances = Array.from({ length: 4 }, () => open(url, { poolMax: 2 }));
    const env = { BETTER_AUTH_SECRET: "a-secret-shared-by-every-instance-0123" };
    await Promise.all(
      instances.map(async (database) => {
        await database.ready;
        await migrateAuth(createAuth(database, env));
      }),
    );
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(instances[0]!.db);
    expect(tables.rows.map((row) => row.tablename)).toEqual(expect.arrayContaining(["user", "session", "account", "apikey"]));
  });

  it("needs BETTER_AUTH_SECRET: there is no file beside the database to keep one in", async () => {
    const database = open(await cluster.newDatabase());
    expect(() => createAuth(database, {})).toThrow(/BETTER_AUTH_SECRET must be set/);
  });

  it("is shared per server and database however the URL is spelled (with or without the password)", async () => {
    const url = await cluster.newDatabase();
    const first = sharedDatabase(url);
    opened.push(first);
    expect(sharedDatabase(url.replace("postgres@", "postgres:pw@"))).toBe(first);
    await first.ready;
  });
});

describe.skipIf(!havePostgres())("Postgres going away and coming back", () => {
  let cluster: TestPostgres;
  let database: Database;
  let store: SqlConversationStore;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    cluster = await testPostgres();
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(() => void process.off("unhandledRejection", onUnhandled));

  it("a store call rejects (no crash), the API says 503, and the same Database works once the server is back", async () => {
    database = open(await cluster.newDatabase());
    store = new SqlConversationStore(database);
    await store.save({ id: "before", ownerId: "alice" }, [{ id: "u", role: "user", parts: [{ type: "text", text: "hi" }] }]);
    // An idle pooled connection exists now: the kill breaks it under the pool, which must not end the process.
    vi.spyOn(console, "error").mockImplementation(() => {});
    await cluster.kill();

    const failure = await store.list({ limit: 10 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const response = errorResponse(failure);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: "unavailable", message: "The database is unavailable; try again shortly." } });

    await cluster.start();
    expect((await store.list({ limit: 10 })).map((c) => c.id)).toEqual(["before"]);
    await store.save({ id: "after", ownerId: "alice" }, [{ id: "u2", role: "user", parts: [{ type: "text", text: "back" }] }]);
    expect((await store.get("after"))?.title).toBe("back");
    expect(unhandled).toEqual([]);
    vi.restoreAllMocks();
  });

  it("an instance started while the server was down becomes ready once it is back", async () => {
    const url = await cluster.newDatabase();
    await cluster.kill();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const late = open(url);
    await expect(late.ready).rejects.toThrow(/Cannot reach the database/);
    expect(errorResponse(await late.ready.catch((error: unknown) => error)).status).toBe(503);
    await cluster.start();
    await late.ready;
    expect(await new SqlConversationStore(late).list({ limit: 1 })).toEqual([]);
    expect(unhandled).toEqual([]);
    vi.restoreAllMocks();
  });
});
