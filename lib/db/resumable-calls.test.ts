/**
 * The ResumableCalls contract, run against SQLite, Postgres and the in-memory store: a suspended call is claimed by exactly
 * one answer, whatever else tries at the same moment, and a question that ended without an answer cannot be claimed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, SQL_STORAGE_KINDS, testPostgres } from "@/testing/test-storage";
import { openDatabase } from "./open-database";
import { MemoryResumableCalls, SqlResumableCalls, type ResumableCall, type ResumableCalls } from "./resumable-calls";
import { WriteQueue } from "./write-queue";

type Factory = () => Promise<{ calls: ResumableCalls; close(): Promise<void> }>;

const call = (questionId: string): ResumableCall => ({
  questionId,
  conversationId: "c1",
  runId: "run-1",
  toolCallId: "tool-1",
  serverName: "shell",
  toolName: "run_command",
  arguments: { command: "rm -rf build" },
  inputKey: "approval",
  requestState: "signed-state",
});
const accept = { action: "accept" as const, content: { command: "rm -rf build" }, by: "bob", at: 1 };

function resumableCallsContract(name: string, factory: Factory): void {
  describe(`ResumableCalls contract: ${name}`, () => {
    let calls: ResumableCalls;
    let close: () => Promise<void>;
    beforeEach(async () => ({ calls, close } = await factory()));
    afterEach(() => close());

    it("keeps what the retry needs, waiting until claimed", async () => {
      await calls.save(call("q1"));
      expect(await calls.get("q1")).toMatchObject({ ...call("q1"), phase: "waiting" });
      expect((await calls.inPhase("waiting")).map((c) => c.questionId)).toEqual(["q1"]);
    });

    it("lets exactly one of many simultaneous answers claim a call, and records that one", async () => {
      await calls.save(call("q1"));
      const answers = Array.from({ length: 20 }, (_, i) => ({ ...accept, by: `person-${i}` }));
      const won = await Promise.all(answers.map((answer, i) => calls.claim("q1", answer, `instance-${i % 2}`)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = answers[won.indexOf(true)]!;
      expect(await calls.get("q1")).toMatchObject({ phase: "claimed", answer: { by: winner.by, action: "accept" } });
      expect(await calls.claim("q1", { action: "decline", at: 2 }, "late")).toBe(false);
    });

    it("forgets the answer's content once the retried call returned, and stays done", async () => {
      await calls.save(call("q1"));
      await calls.claim("q1", accept, "me");
      await calls.finish("q1");
      const done = await calls.get("q1");
      expect(done).toMatchObject({ phase: "done", answer: { action: "accept", by: "bob" } });
      expect(done?.answer?.content).toBeUndefined();
      expect(await calls.claim("q1", accept, "again")).toBe(false);
    });

    it("cannot be claimed once closed (expired or cancelled without an answer); closing a claimed call changes nothing", async () => {
      await calls.save(call("q1"));
      await calls.close("q1");
      expect(await calls.claim("q1", accept, "me")).toBe(false);
      await calls.save(call("q2"));
      await calls.claim("q2", accept, "me");
      await calls.close("q2");
      expect((await calls.get("q2"))?.phase).toBe("claimed");
    });

    it("claims nothing for an unknown question", async () => {
      expect(await calls.claim("nobody-asked", accept, "me")).toBe(false);
    });
  });
}

for (const kind of SQL_STORAGE_KINDS) {
  resumableCallsContract(kind === "postgres" ? "Postgres" : "SQLite", async () => {
    const storage = await createTestStorage(kind);
    return { calls: new SqlResumableCalls(storage.database, storage.writes), close: storage.close };
  });
}
resumableCallsContract("memory", async () => ({ calls: new MemoryResumableCalls(), close: async () => {} }));

describe.skipIf(!SQL_STORAGE_KINDS.includes("postgres"))("ResumableCalls across instances on one Postgres database", () => {
  it("lets exactly one of many answers claim a call, whichever instance each arrives at", async () => {
    const url = await (await testPostgres()).newDatabase();
    const instances = [openDatabase(url, { poolMax: 4 }), openDatabase(url, { poolMax: 4 })];
    try {
      await Promise.all(instances.map((database) => database.ready));
      const [a, b] = instances.map((database) => new SqlResumableCalls(database, new WriteQueue(database)));
      await a!.save(call("q1"));
      const won = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a! : b!).claim("q1", { ...accept, by: `person-${i}` }, `instance-${i % 2}`)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = `person-${won.indexOf(true)}`;
      expect(await b!.get("q1")).toMatchObject({ phase: "claimed", answer: { by: winner } });
    } finally {
      await Promise.all(instances.map((database) => database.close()));
    }
  });
});
