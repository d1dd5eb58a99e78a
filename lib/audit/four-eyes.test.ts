import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { ReviewDesk } from "@/lib/review/review-desk";
import { parseRoutingFile } from "@/lib/review/routing-file";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { listAuditEntries } from "./audit-query";
import { AuditTrail } from "./audit-trail";
import { verifyChain } from "./verify";

describe.each(SQL_STORAGE_KINDS)("four eyes in the audit trail (%s)", (kind) => {
  let storage: TestStorage;
  beforeEach(async () => void (storage = await createTestStorage(kind)));
  afterEach(() => storage.close());

  const reviewer = (name: string): Principal => ({ id: `id-${name}`, name, role: "reviewer" });

  it("under four eyes, each approval is its own entry by its own person, then the answer names both; the chain verifies", async () => {
    const registry = new ElicitationRegistry();
    const rules = parseRoutingFile(
      JSON.stringify({ groups: { ops: ["bob", "carol"] }, rules: [{ routeTo: ["ops"], approvals: 2, requesterMayAnswer: false }] }),
      "routing.json",
    );
    const desk = new ReviewDesk({ registry, rules: { current: () => rules } });
    const audit = new AuditTrail(storage.writes, { log: () => {} });
    registry.observe((event) => audit.observe(event));
    const { data } = registry.open({
      threadId: "t1",
      requesterId: "id-alice",
      requesterName: "alice",
      serverName: "shell",
      message: "Run rm -rf build?",
      requestedSchema: { type: "object", properties: {} },
      command: "rm -rf build",
      timeoutMs: 60_000,
      onChange: () => {},
    });
    await desk.answer(data.id, { action: "accept" }, reviewer("bob"));
    await desk.answer(data.id, { action: "accept" }, reviewer("bob")); // The same person twice counts once.
    await desk.answer(data.id, { action: "accept" }, reviewer("carol"));
    await storage.writes.idle();

    const entries = (await listAuditEntries(storage.database.db, {}, { all: true }, { limit: 50 })).entries.reverse();
    expect(entries.map((e) => [e.type, e.actor, e.outcome])).toEqual([
      ["asked", "id-alice", "pending"],
      ["approved", "bob", "1 of 2"],
      ["approved", "carol", "2 of 2"],
      ["answered", "bob and carol", "accepted"],
    ]);
    expect((await verifyChain(storage.database.db)).ok).toBe(true);
    desk.close();
  });
});
