import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrationProvider } from "./migrations";
import { openDatabase, sharedDatabase, sqliteFile, StorageError, type Database } from "./open-database";

const require = createRequire(import.meta.url);
const opened: Database[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true }));
});

function freshFile(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-open-"));
  folders.push(folder);
  return path.join(folder, "nested", "app.db");
}

function open(url: string): Database {
  const database = openDatabase(url);
  opened.push(database);
  return database;
}

describe("openDatabase", () => {
  it("creates the file and its folder, in WAL mode, migrated", async () => {
    const database = open(freshFile());
    await database.ready;
    const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(database.db);
    expect(mode.rows[0]?.journal_mode).toBe("wal");
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(database.db);
    expect(tables.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(["conversations", "messages", "questions", "audit_entries", "notification_deliveries"]),
    );
    // The schema existing files have (the migration now also speaks Postgres; SQLite's must not change).
    const audit = await sql<{ sql: string }>`select sql from sqlite_master where name = 'audit_entries'`.execute(database.db);
    expect(audit.rows[0]?.sql).toContain('"seq" integer primary key autoincrement');
  });

  it("opens an existing database again without migrating twice, keeping its rows", async () => {
    const file = freshFile();
    const first = open(file);
    await first.ready;
    await first.db.insertInto("conversations").values({ id: "c1", owner_id: "local", title: "t", created_at: 1, updated_at: 1 }).execute();
    await first.close();
    const second = open(file);
    await second.ready;
    expect(await second.db.selectFrom("conversations").select("id").execute()).toEqual([{ id: "c1" }]);
  });

  it("accepts file: URLs, relative and absolute", async () => {
    const file = freshFile();
    const database = open(`file://${file}`);
    await database.ready;
    expect(database.location).toBe(file);
  });

  it.each([
    ["libsql://example.turso.io", /not a SQLite file/],
    [":memory:", /not a SQLite file/],
  ])("refuses %s with a message saying what to give instead", (url, message) => {
    expect(() => openDatabase(url)).toThrow(StorageError);
    expect(() => openDatabase(url)).toThrow(message);
  });

  it("gives no SQLite file for a Postgres URL: what needs one must branch on the dialect", () => {
    expect(() => sqliteFile("postgres://localhost/db")).toThrow(/Postgres server, not a SQLite file/);
    expect(open(freshFile()).dialect).toBe("sqlite");
  });

  it("runs one transaction at a time in a process, so writes never stall each other", async () => {
    const database = open(freshFile());
    await database.ready;
    const slow = database.db.transaction().execute(async (trx) => {
      await trx.insertInto("conversations").values({ id: "a", owner_id: "x", title: "", created_at: 1, updated_at: 1 }).execute();
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    const started = Date.now();
    await database.db.insertInto("conversations").values({ id: "b", owner_id: "x", title: "", created_at: 1, updated_at: 1 }).execute();
    await slow;
    // Well under the 5 s busy timeout: b waited for a's commit, not for SQLite to give up.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await database.db.selectFrom("conversations").select("id").orderBy("id").execute()).map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("waits for another process's write lock instead of failing at once (busy timeout)", async () => {
    const file = freshFile();
    const database = open(file);
    await database.ready;
    const holder = path.join(path.dirname(file), "hold-lock.mjs");
    writeFileSync(
      holder,
      `import { createClient } from ${JSON.stringify(require.resolve("@libsql/client"))};
const client = createClient({ url: ${JSON.stringify(`file:${file}`)} });
const trx = await client.transaction("write");
await trx.execute("insert into conversations (id, owner_id, title, created_at, updated_at) values ('held', 'x', '', 1, 1)");
console.log("locked");
await new Promise((resolve) => setTimeout(resolve, 800));
await trx.commit();`,
    );
    const child = spawn(process.execPath, [holder], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await database.db.insertInto("conversations").values({ id: "mine", owner_id: "x", title: "", created_at: 1, updated_at: 1 }).execute();
    await new Promise((resolve) => child.once("exit", resolve));
    expect((await database.db.selectFrom("conversations").select("id").orderBy("id").execute()).map((r) => r.id)).toEqual(["held", "mine"]);
  });
});

describe("two processes opening a new database at once", () => {
  it("both end up migrated (one retries and finds the work done)", async () => {
    const file = freshFile();
    const [a, b] = [open(file), open(file)];
    await expect(Promise.all([a.ready, b.ready])).resolves.toBeDefined();
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(a.db);
    expect(rows.rows.map((row) => row.name)).toEqual(Object.keys(await migrationProvider.getMigrations()));
  });
});

describe("sharedDatabase", () => {
  it("gives the same Database for the same file however it is spelled, so a process has one connection", async () => {
    const file = freshFile();
    const first = sharedDatabase(file);
    expect(sharedDatabase(`file://${file}`)).toBe(first);
    expect(sharedDatabase(freshFile())).not.toBe(first);
    await first.ready;
  });
});

describe("sharedDatabase after close", () => {
  it("opens the file again for the next caller", async () => {
    const file = freshFile();
    const first = sharedDatabase(file);
    await first.ready;
    await first.close();
    const second = sharedDatabase(file);
    expect(second).not.toBe(first);
    await second.ready;
    expect(await second.db.selectFrom("conversations").select("id").execute()).toEqual([]);
    await second.close();
  });
});
