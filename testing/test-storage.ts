import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqlConversationStore } from "@/lib/db/conversation-store";
import { openDatabase, type Database } from "@/lib/db/open-database";
import { SqlQuestionStore } from "@/lib/db/question-store";
import { WriteQueue } from "@/lib/db/write-queue";

export interface TestStorage {
  database: Database;
  writes: WriteQueue;
  conversations: SqlConversationStore;
  questions: SqlQuestionStore;
  file: string;
  close(): Promise<void>;
}

/** A migrated database in a fresh temporary folder, with the stores over it; close() removes it. */
export async function createTestStorage(): Promise<TestStorage> {
  const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-store-"));
  const file = path.join(folder, "test.db");
  const database = openDatabase(file);
  await database.ready;
  const writes = new WriteQueue(database);
  return {
    database,
    writes,
    conversations: new SqlConversationStore(database),
    questions: new SqlQuestionStore(database, writes),
    file,
    close: async () => {
      await writes.idle();
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
