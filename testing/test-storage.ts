import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { SqlConversationStore } from "@/lib/db/conversation-store";
import { openDatabase, type Database } from "@/lib/db/open-database";
import { SqlQuestionStore } from "@/lib/db/question-store";
import { WriteQueue } from "@/lib/db/write-queue";
import { havePostgres, startPostgres, type TestPostgres } from "./postgres";

export type StorageKind = "sqlite" | "postgres";

export interface TestStorage {
  kind: StorageKind;
  database: Database;
  writes: WriteQueue;
  conversations: SqlConversationStore;
  questions: SqlQuestionStore;
  /** The DATABASE_URL of this storage: a file path for SQLite, a postgres:// URL for Postgres. */
  file: string;
  close(): Promise<void>;
}

/**
 * The engines the SQL contract tests run on here: SQLite always, Postgres when its server is installed (in CI a
 * missing one fails the run instead; elsewhere a line says what to install).
 */
export const SQL_STORAGE_KINDS: readonly StorageKind[] = havePostgres() ? ["sqlite", "postgres"] : ["sqlite"];

let cluster: Promise<TestPostgres> | undefined;
// One cluster per test file (about a second to start), a fresh database per storage; stopped with the file.
afterAll(async () => {
  const started = cluster;
  cluster = undefined;
  await (await started?.catch(() => undefined))?.stop();
});

/** The test file's Postgres cluster, started on first use and stopped after the file's last test. */
export function testPostgres(): Promise<TestPostgres> {
  cluster ??= startPostgres();
  return cluster;
}

/**
 * A migrated database with the stores over it: SQLite in a fresh temporary folder, or a fresh database in the test
 * file's Postgres cluster. close() removes it (the Postgres database stays until the cluster stops).
 */
export async function createTestStorage(kind: StorageKind = "sqlite"): Promise<TestStorage> {
  let url: string;
  let removeFolder = () => {};
  if (kind === "postgres") {
    url = await (await testPostgres()).newDatabase();
  } else {
    const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-store-"));
    url = path.join(folder, "test.db");
    removeFolder = () => rmSync(folder, { recursive: true, force: true });
  }
  const database = openDatabase(url);
  await database.ready;
  const writes = new WriteQueue(database);
  return {
    kind,
    database,
    writes,
    conversations: new SqlConversationStore(database),
    questions: new SqlQuestionStore(database, writes),
    file: url,
    close: async () => {
      await writes.idle();
      await database.close();
      removeFolder();
    },
  };
}
