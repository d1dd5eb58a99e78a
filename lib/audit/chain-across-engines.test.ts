/**
 * The audit chain does not depend on the engine: the same entries hash the same on SQLite and Postgres, and
 * instances appending to one Postgres database at the same moment still form one unbroken chain.
 */
import { afterEach, describe, expect, it } from "vitest";
import { WriteQueue } from "@/lib/db/write-queue";
import { openDatabase, type Database } from "@/lib/db/open-database";
import { havePostgres } from "@/testing/postgres";
import { createTestStorage, testPostgres, type TestStorage } from "@/testing/test-storage";
import { listAuditEntries } from "./audit-query";
import { AuditTrail } from "./audit-trail";
import { verifyChain } from "./verify";

const storages: TestStorage[] = [];
const databases: Database[] = [];
afterEach(async () => {
  await Promise.all(storages.splice(0).map((storage) => storage.close()));
  await Promise.all(databases.splice(0).map((database) => database.close()));
});

async function storage(kind: "sqlite" | "postgres"): Promise<TestStorage> {
  const created = await createTestStorage(kind);
  storages.push(created);
  return created;
}

describe.skipIf(!havePostgres())("the audit chain on SQLite and Postgres", () => {
  it("hashes the same entries the same, and verifies identically", async () => {
    const [sqlite, postgres] = [await storage("sqlite"), await storage("postgres")];
    for (const { writes } of [sqlite, postgres]) {
      const audit = new AuditTrail(writes, { redactFields: ["token"], log: () => {} });
      await audit.record({ type: "asked", actor: "alice", at: 1_750_000_000_001, questionId: "q1", details: { b: 1, a: "ü ✓" } });
      await audit.record({
        type: "answered",
        actor: "bob",
        at: 1_750_000_000_002,
        questionId: "q1",
        outcome: "accepted",
        details: { token: "x" },
      });
      await audit.record({ type: "ran", actor: "system", at: 1_750_000_000_003, serverName: "shell", toolName: "run_command" });
    }
    const entriesOf = async (s: TestStorage) => (await listAuditEntries(s.database.db, {}, { all: true }, { limit: 10 })).entries;
    const [fromSqlite, fromPostgres] = [await entriesOf(sqlite), await entriesOf(postgres)];
    expect(fromPostgres).toEqual(fromSqlite);
    expect(fromPostgres).toHaveLength(3);
    const [verifiedSqlite, verifiedPostgres] = [await verifyChain(sqlite.database.db), await verifyChain(postgres.database.db)];
    expect(verifiedPostgres).toEqual(verifiedSqlite);
    expect(verifiedPostgres.ok).toBe(true);
  });

  it("stays one unbroken chain when several instances append to one Postgres database at once", async () => {
    const url = await (await testPostgres()).newDatabase();
    const instances = Array.from({ length: 4 }, () => openDatabase(url, { poolMax: 3 }));
    databases.push(...instances);
    await Promise.all(instances.map((database) => database.ready));
    const trails = instances.map((database) => new AuditTrail(new WriteQueue(database), { log: () => {} }));
    // Each instance appends in bursts (its write queue batches them), all instances at the same time.
    await Promise.all(
      trails.flatMap((trail, instance) =>
        Array.from({ length: 25 }, (_, i) => trail.record({ type: "routed", actor: `instance-${instance}`, details: { i } })),
      ),
    );
    expect(await verifyChain(instances[0]!.db)).toMatchObject({ ok: true, entries: 100 });
  });
});
