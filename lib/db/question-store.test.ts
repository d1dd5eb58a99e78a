import { afterEach, describe, expect, it } from "vitest";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { MemoryQuestionStore } from "./memory-stores";
import { SqlQuestionStore } from "./question-store";

let storage: TestStorage | undefined;
afterEach(async () => storage?.close());

describe("MemoryQuestionStore (STORAGE=memory)", () => {
  it("keeps the latest state, lists pending ones, and has nothing from before the process to expire", async () => {
    const store = new MemoryQuestionStore();
    await store.record(question("a"), "alice");
    await store.record({ ...question("a"), status: "declined" }, "alice");
    await store.record(question("b", { threadId: "t2" }), "bob");
    expect((await store.get("a"))?.data.status).toBe("declined");
    expect((await store.pending()).map((q) => q.data.id)).toEqual(["b"]);
    expect((await store.pending({ conversationId: "t1" })).map((q) => q.data.id)).toEqual([]);
    expect([...(await store.many(["a", "zzz"])).keys()]).toEqual(["a"]);
    expect(await store.expirePending()).toEqual([]);
  });
});

function question(id: string, overrides: Partial<ElicitationData> = {}): ElicitationData {
  return {
    id,
    kind: "question",
    mode: "form",
    threadId: "t1",
    serverName: "shell",
    message: "Run rm -rf build?",
    requestedSchema: { type: "object", properties: {} },
    status: "pending",
    createdAt: 1_000,
    expiresAt: 2_000,
    ...overrides,
  };
}

describe.each(SQL_STORAGE_KINDS)("SqlQuestionStore (%s)", (kind) => {
  it("keeps each question's latest state and who asked", async () => {
    storage = await createTestStorage(kind);
    await storage.questions.record(question("q1"), "alice");
    await storage.questions.record({ ...question("q1"), status: "accepted", answeredBy: "bob" }, "alice");
    expect(await storage.questions.get("q1")).toEqual({
      requesterId: "alice",
      data: expect.objectContaining({ status: "accepted", answeredBy: "bob" }),
    });
    expect(await storage.questions.get("nope")).toBeUndefined();
  });

  it("lists pending ones per conversation, and reads many by id", async () => {
    storage = await createTestStorage(kind);
    await storage.questions.record(question("a"), "alice");
    await storage.questions.record(question("b", { threadId: "t2" }), "alice");
    await storage.questions.record(question("c", { status: "declined" }), "alice");
    expect((await storage.questions.pending()).map((q) => q.data.id)).toEqual(["a", "b"]);
    expect((await storage.questions.pending({ conversationId: "t2" })).map((q) => q.data.id)).toEqual(["b"]);
    expect([...(await storage.questions.many(["a", "c", "zzz"])).keys()].sort()).toEqual(["a", "c"]);
  });

  it("expires what an earlier process left pending, and only that", async () => {
    storage = await createTestStorage(kind);
    await storage.questions.record(question("old", { createdAt: 1_000 }), "alice");
    await storage.questions.record(question("new", { createdAt: 5_000 }), "alice");
    const expired = await storage.questions.expirePending("the server restarted; nothing ran", 4_000);
    expect(expired.map((q) => q.data.id)).toEqual(["old"]);
    expect((await storage.questions.get("old"))?.data).toMatchObject({ status: "expired", note: "the server restarted; nothing ran" });
    expect((await storage.questions.get("new"))?.data.status).toBe("pending");
  });

  it("leaves an agent's kept request pending at a restart, for its store to show again", async () => {
    storage = await createTestStorage(kind);
    await storage.questions.record(question("kept", { createdAt: 1_000, kept: true, serverName: "people" }), "agent");
    expect(await storage.questions.expirePending("the server restarted; nothing ran", 4_000)).toEqual([]);
    expect((await storage.questions.get("kept"))?.data).toMatchObject({ status: "pending", kept: true });
  });

  it("gives a stopped instance's durable and kept questions to the adopter, and expires the rest", async () => {
    storage = await createTestStorage(kind);
    const gone = new SqlQuestionStore(storage.database, storage.writes, "gone");
    const survivor = new SqlQuestionStore(storage.database, storage.writes, "survivor");
    await gone.record(question("live"), "alice");
    await gone.record(question("durable", { durable: true }), "alice");
    await gone.record(question("kept", { kept: true, serverName: "people" }), "agent");
    const adopted = await survivor.adopt("gone", "its instance stopped");
    expect(adopted.expired.map((q) => q.data.id)).toEqual(["live"]);
    expect(adopted.durable.map((q) => q.data.id)).toEqual(["durable"]);
    expect(adopted.kept.map((q) => [q.data.id, q.owner])).toEqual([["kept", "survivor"]]);
    expect((await survivor.pending({ mine: true })).map((q) => q.data.id).sort()).toEqual(["durable", "kept"]);
  });
});
