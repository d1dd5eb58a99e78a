import { afterEach, describe, expect, it } from "vitest";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { WriteQueue } from "./write-queue";

describe.each(SQL_STORAGE_KINDS)("write queue (%s)", (kind) => {
  let storage: TestStorage | undefined;
  afterEach(async () => storage?.close());

  const row = (id: string) => ({ id, owner_id: "x", title: "", created_at: 1, updated_at: 1 });

  describe("WriteQueue", () => {
    it("commits writes made together in few transactions, and each caller learns when its own is on disk", async () => {
      storage = await createTestStorage(kind);
      const transactions = new Set<unknown>();
      const writes = Array.from({ length: 50 }, (_, i) =>
        storage!.writes.enqueue(async (trx) => {
          transactions.add(trx);
          await trx
            .insertInto("conversations")
            .values(row(`c${i}`))
            .execute();
        }),
      );
      await Promise.all(writes);
      expect(transactions.size).toBeLessThan(5);
      const count = await storage.database.db
        .selectFrom("conversations")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirst();
      expect(Number(count?.n)).toBe(50);
    });

    it("a bad write fails alone: the others in its batch still commit", async () => {
      storage = await createTestStorage(kind);
      const good = storage.writes.enqueue(async (trx) => void (await trx.insertInto("conversations").values(row("ok")).execute()));
      const bad = storage.writes.enqueue(async (trx) => void (await trx.insertInto("conversations").values(row("ok")).execute()));
      const alsoGood = storage.writes.enqueue(async (trx) => void (await trx.insertInto("conversations").values(row("ok2")).execute()));
      const errors: string[] = [];
      await expect(good).resolves.toBeUndefined();
      await expect(bad).rejects.toThrow();
      await expect(alsoGood).resolves.toBeUndefined();
      expect(errors).toEqual([]);
      const ids = await storage.database.db.selectFrom("conversations").select("id").orderBy("id").execute();
      expect(ids.map((r) => r.id)).toEqual(["ok", "ok2"]);
    });

    it("idle() waits for everything enqueued before it", async () => {
      storage = await createTestStorage(kind);
      const queue = new WriteQueue(storage.database, () => {});
      let committed = false;
      void queue.enqueue(async (trx) => {
        await trx.insertInto("conversations").values(row("late")).execute();
        committed = true;
      });
      await queue.idle();
      expect(committed).toBe(true);
    });
  });
});
