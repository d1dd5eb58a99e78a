/**
 * The HumanRequestStore contract, on SQLite, Postgres (when installed) and in memory: a request is read back as
 * saved, only by its requester; the first settlement wins; lists are the requester's own, newest first.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, SQL_STORAGE_KINDS } from "@/testing/test-storage";
import type { HumanRequest } from "./contract";
import { LIST_LIMIT, MemoryHumanRequestStore, SqlHumanRequestStore, type HumanRequestStore } from "./request-store";

type Factory = () => Promise<{ store: HumanRequestStore; close(): Promise<void> }>;

const request = (id: string, overrides: Partial<HumanRequest> = {}): HumanRequest => ({
  id,
  requesterId: "alice-id",
  question: "Is clause 7 compliant?",
  context: "Clause 7: *data kept for 10 years*.",
  answerFormat: { type: "form", schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } },
  specialty: "legal",
  urgency: "high",
  status: "pending",
  createdAt: 1_700_000_000_000,
  deadlineAt: 1_700_003_600_000,
  ...overrides,
});

function humanRequestStoreContract(name: string, factory: Factory): void {
  describe(`HumanRequestStore contract: ${name}`, () => {
    let store: HumanRequestStore;
    let close: () => Promise<void>;
    beforeEach(async () => ({ store, close } = await factory()));
    afterEach(() => close());

    it("reads a request back as saved, for its requester only", async () => {
      await store.save(request("r1"));
      expect(await store.get("r1", "alice-id")).toEqual(request("r1"));
      expect(await store.get("r1", "mallory-id")).toBeUndefined();
      expect(await store.get("nobody-asked", "alice-id")).toBeUndefined();
      await store.save(request("r2", { context: undefined, specialty: undefined, answerFormat: { type: "text" } }));
      expect(await store.get("r2", "alice-id")).toEqual(
        request("r2", { context: undefined, specialty: undefined, answerFormat: { type: "text" } }),
      );
    });

    it("keeps the answer's content and who gave it; the first settlement wins", async () => {
      await store.save(request("r1"));
      const answered = {
        status: "answered" as const,
        answer: { ok: true, note: "fine", tags: ["a", "b"] },
        answeredBy: { name: "carol", role: "reviewer" },
        answeredAt: 1_700_000_100_000,
        comment: "checked with counsel",
      };
      await store.settle("r1", answered);
      await store.settle("r1", { status: "expired", note: "too late" });
      expect(await store.get("r1", "alice-id")).toEqual({ ...request("r1"), ...answered });
      await store.save(request("r2"));
      await store.settle("r2", { status: "expired", note: "nobody answered in time" });
      expect(await store.get("r2", "alice-id")).toMatchObject({ status: "expired", note: "nobody answered in time" });
      expect((await store.get("r2", "alice-id"))?.answer).toBeUndefined();
    });

    it("keeps a review's submission, verdict and reasons", async () => {
      const submission = { content: '{"a": 1}', format: "json" as const, criteria: "valid config" };
      await store.save(request("rev", { submission, answerFormat: { type: "text" } }));
      expect(await store.get("rev", "alice-id")).toEqual(request("rev", { submission, answerFormat: { type: "text" } }));
      const edited = { status: "answered" as const, answer: '{"a": 2}', verdict: "edited" as const, answeredAt: 5 };
      await store.settle("rev", edited);
      expect(await store.get("rev", "alice-id")).toMatchObject({ submission, ...edited });
      await store.save(request("rej", { submission }));
      await store.settle("rej", { status: "declined", verdict: "rejected", reasons: "leaks a customer name", answeredAt: 6 });
      expect(await store.get("rej", "alice-id")).toMatchObject({
        status: "declined",
        verdict: "rejected",
        reasons: "leaks a customer name",
      });
    });

    it("lists the requester's own requests, newest first, by status when asked", async () => {
      await store.save(request("old", { createdAt: 1 }));
      await store.save(request("new", { createdAt: 3 }));
      await store.save(request("middle", { createdAt: 2 }));
      await store.save(request("theirs", { requesterId: "mallory-id", createdAt: 4 }));
      await store.settle("middle", { status: "cancelled", note: "withdrawn" });
      expect((await store.list("alice-id")).map((r) => r.id)).toEqual(["new", "middle", "old"]);
      expect((await store.list("alice-id", "pending")).map((r) => r.id)).toEqual(["new", "old"]);
      expect((await store.list("alice-id", "cancelled")).map((r) => r.id)).toEqual(["middle"]);
      expect((await store.list("mallory-id")).map((r) => r.id)).toEqual(["theirs"]);
    });

    it(`lists at most ${LIST_LIMIT}`, async () => {
      await Promise.all(Array.from({ length: LIST_LIMIT + 5 }, (_, i) => store.save(request(`r${i}`, { createdAt: i }))));
      const listed = await store.list("alice-id");
      expect(listed).toHaveLength(LIST_LIMIT);
      expect(listed[0]?.id).toBe(`r${LIST_LIMIT + 4}`);
    });
  });
}

for (const kind of SQL_STORAGE_KINDS) {
  humanRequestStoreContract(kind === "postgres" ? "Postgres" : "SQLite", async () => {
    const storage = await createTestStorage(kind);
    return { store: new SqlHumanRequestStore(storage.database, storage.writes), close: storage.close };
  });
}

humanRequestStoreContract("memory", async () => ({ store: new MemoryHumanRequestStore(), close: async () => {} }));
