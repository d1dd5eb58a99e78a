import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { DeliveryLog } from "./delivery-log";

describe.each(SQL_STORAGE_KINDS)("DeliveryLog (%s)", (kind) => {
  let storage: TestStorage;
  let log: DeliveryLog;
  beforeEach(async () => {
    storage = await createTestStorage(kind);
    log = new DeliveryLog(storage.database, storage.writes);
  });
  afterEach(() => storage.close());

  it("records each delivery and its attempts, lists newest first, per question, up to the limit", async () => {
    await log.opened({ id: "d1", questionId: "q1", channel: "webhook", event: "routed" }, 1_000);
    await log.opened({ id: "d2", questionId: "q1", channel: "slack", event: "routed" }, 2_000);
    await log.opened({ id: "d3", questionId: "q2", channel: "webhook", event: "routed" }, 3_000);
    await log.attempted("d1", { status: "failed", attempts: 3, lastError: "HTTP 500" }, 4_000);
    expect((await log.list()).map((d) => d.id)).toEqual(["d3", "d2", "d1"]);
    expect(await log.list({ questionId: "q1", limit: 1 })).toEqual([
      {
        id: "d2",
        questionId: "q1",
        channel: "slack",
        event: "routed",
        status: "pending",
        attempts: 0,
        lastError: null,
        createdAt: 2_000,
        updatedAt: 2_000,
      },
    ]);
    expect((await log.list({ questionId: "q1" })).find((d) => d.id === "d1")).toMatchObject({
      status: "failed",
      attempts: 3,
      lastError: "HTTP 500",
      updatedAt: 4_000,
    });
  });
});
