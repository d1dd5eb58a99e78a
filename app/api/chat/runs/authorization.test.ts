/**
 * Who may touch a turn and a conversation's remembered approvals, over the routes themselves: with users
 * configured, alice (requester) cannot stream, stop or see or revoke what belongs to bob (404: his ids do not
 * exist for her), nor continue his conversation; without credentials every route answers 401.
 */
import type { UIMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { POST as stop } from "@/app/api/chat/runs/[id]/stop/route";
import { GET as stream } from "@/app/api/chat/runs/[id]/stream/route";
import { DELETE as revoke, GET as listApprovals } from "@/app/api/tool-approvals/route";
import { apiErrorOf } from "@/lib/api-contract";
import { Users } from "@/lib/auth/users";
import type { ChatTurn } from "@/lib/chat/turns";
import { serverState } from "@/lib/server-state";

const BASE = "http://127.0.0.1";
const messages: UIMessage[] = [{ id: "m1", role: "user", parts: [{ type: "text", text: "hello" }] }];
const keys: Record<"alice" | "bob", string> = { alice: "", bob: "" };
let bobsRun: ChatTurn;
const bobsThread = "bobs-conversation";

beforeAll(async () => {
  const state = serverState();
  await state.started;
  const users = new Users(state.auth);
  for (const name of ["alice", "bob"] as const) {
    await users.add(name, "requester");
    keys[name] = await users.token(name);
  }
  const bob = (await users.list()).find((user) => user.name === "bob")!;
  await state.conversationStore.save({ id: bobsThread, ownerId: bob.id }, messages);
  bobsRun = state.turns.open(bobsThread, bob.id);
  state.approvals.allow(bobsThread, "db", "drop_table", "fingerprint");
});
afterAll(() => serverState().turns.close(bobsRun));

const as = (who: "alice" | "bob" | "nobody", init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), ...(who !== "nobody" && { authorization: `Bearer ${keys[who]}` }) },
});
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const approvalsUrl = `${BASE}/api/tool-approvals?threadId=${bobsThread}`;
const revokeUrl = `${approvalsUrl}&serverName=db&toolName=drop_table`;

async function codeOf(response: Response): Promise<string | undefined> {
  return apiErrorOf(await response.json())?.code;
}

describe("routes with users configured", () => {
  it("answer 401 to a request without a session or key, and to a bad key", async () => {
    for (const who of ["nobody", "bad key"] as const) {
      const init: RequestInit = who === "bad key" ? { headers: { authorization: "Bearer ec_wrong" } } : {};
      const responses = [
        await stream(new Request(`${BASE}/api/chat/runs/${bobsRun.id}/stream`, init), params(bobsRun.id)),
        await stop(new Request(`${BASE}/api/chat/runs/${bobsRun.id}/stop`, { ...init, method: "POST" }), params(bobsRun.id)),
        await listApprovals(new Request(approvalsUrl, init)),
        await revoke(new Request(revokeUrl, { ...init, method: "DELETE" })),
        await chat(
          new Request(`${BASE}/api/chat`, {
            method: "POST",
            headers: { ...(init.headers as Record<string, string>), "content-type": "application/json" },
            body: JSON.stringify({ id: "new-one", messages }),
          }),
        ),
      ];
      for (const response of responses) {
        expect(response.status).toBe(401);
        expect(await codeOf(response)).toBe("unauthorized");
      }
    }
    expect(bobsRun.signal.aborted).toBe(false);
  });

  it("alice cannot stream or stop bob's turn: answered exactly as an id nobody has, and it keeps running", async () => {
    const asAlice = async (id: string) => {
      const streamed = await stream(new Request(`${BASE}/api/chat/runs/${id}/stream`, as("alice")), params(id));
      const stopped = await stop(new Request(`${BASE}/api/chat/runs/${id}/stop`, as("alice", { method: "POST" })), params(id));
      return { stream: [streamed.status, await streamed.text()], stop: [stopped.status, await stopped.text()] };
    };
    const bobs = await asAlice(bobsRun.id);
    expect(bobs).toEqual(await asAlice("00000000-0000-4000-8000-000000000000"));
    expect(bobs.stream[0]).toBe(204);
    expect(bobsRun.signal.aborted).toBe(false);
  });

  it("alice cannot list or revoke bob's remembered approvals: 404, and they stay", async () => {
    expect((await listApprovals(new Request(approvalsUrl, as("alice")))).status).toBe(404);
    expect((await revoke(new Request(revokeUrl, as("alice", { method: "DELETE" })))).status).toBe(404);
    expect(serverState().approvals.list(bobsThread)).toHaveLength(1);
    // An id nobody has is the same 404.
    expect((await listApprovals(new Request(`${BASE}/api/tool-approvals?threadId=nobody-has-this`, as("alice")))).status).toBe(404);
  });

  it("alice cannot continue bob's conversation: 404, and no turn starts", async () => {
    const response = await chat(
      new Request(
        `${BASE}/api/chat`,
        as("alice", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ id: bobsThread, messages }),
        }),
      ),
    );
    expect(response.status).toBe(404);
    expect(serverState().turns.hasTurnIn(bobsThread)).toBe(true); // only bob's own
  });

  it("bob streams his turn, sees and revokes his approval, and stops his turn", async () => {
    const controller = new AbortController();
    const streamed = await stream(
      new Request(`${BASE}/api/chat/runs/${bobsRun.id}/stream`, { ...as("bob"), signal: controller.signal }),
      params(bobsRun.id),
    );
    expect(streamed.status).toBe(200);
    controller.abort();
    await streamed.body?.cancel().catch(() => {});

    const listed = await listApprovals(new Request(approvalsUrl, as("bob")));
    expect((await listed.json()).approvals).toHaveLength(1);
    expect(await (await revoke(new Request(revokeUrl, as("bob", { method: "DELETE" })))).json()).toEqual({ revoked: true });

    expect(
      (await stop(new Request(`${BASE}/api/chat/runs/${bobsRun.id}/stop`, as("bob", { method: "POST" })), params(bobsRun.id))).status,
    ).toBe(204);
    expect(bobsRun.signal.aborted).toBe(true);
  });
});
