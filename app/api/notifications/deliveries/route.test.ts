import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { DeliveryLog } from "@/lib/notify/delivery-log";
import { serverState } from "@/lib/server-state";
import { GET } from "./route";

const caller = vi.hoisted(() => ({ current: { id: "local", name: "local", role: "admin" } as Principal }));
vi.mock("@/lib/auth/principal", async (original) => ({
  ...(await original<typeof import("@/lib/auth/principal")>()),
  principalOf: async () => caller.current,
}));

const get = (query = "") => GET(new Request(`http://127.0.0.1:3000/api/notifications/deliveries${query}`));

beforeAll(async () => {
  const state = serverState();
  await state.started;
  const log = new DeliveryLog(state.database, state.writes);
  await log.opened({ id: "d-1", questionId: "q-1", channel: "webhook", event: "routed" }, 1_000);
  await log.attempted("d-1", { status: "failed", attempts: 5, lastError: "HTTP 500" }, 2_000);
  await log.opened({ id: "d-2", questionId: "q-2", channel: "slack", event: "escalated" }, 3_000);
});

describe("GET /api/notifications/deliveries", () => {
  it("lists the delivery log, newest first, for an admin", async () => {
    caller.current = { id: "local", name: "local", role: "admin" };
    const response = await get();
    expect(response.status).toBe(200);
    const { deliveries } = (await response.json()) as { deliveries: Array<{ id: string }> };
    expect(deliveries.map((d) => d.id)).toEqual(["d-2", "d-1"]);
    const filtered = (await (await get("?questionId=q-1&limit=10")).json()) as { deliveries: unknown[] };
    expect(filtered.deliveries).toEqual([
      expect.objectContaining({ id: "d-1", channel: "webhook", status: "failed", attempts: 5, lastError: "HTTP 500" }),
    ]);
  });

  it.each(["requester", "reviewer"] as const)("refuses a %s", async (role) => {
    caller.current = { id: "bob", name: "bob", role };
    const response = await get();
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).not.toContain("d-1");
  });

  it.each(["?limit=0", "?limit=501", "?limit=ten", "?questionId=", "?other=1", `?questionId=${"x".repeat(201)}`])(
    "answers 400 to %s",
    async (query) => {
      caller.current = { id: "local", name: "local", role: "admin" };
      expect((await get(query)).status).toBe(400);
    },
  );
});
