/**
 * GET, PATCH (rename) and DELETE /api/chat/threads/{id}: another person's conversation is a 404 (an admin may read
 * it but not change it), bad bodies are 4xx, and deleting cancels what the conversation still waits for.
 */
import type { UIMessage } from "ai";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { conversationStateSchema, conversationSummarySchema } from "@/lib/chat/conversation-contract";
import { DELETED_NOTE } from "@/lib/chat/conversations";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { turnEndNote } from "@/lib/mcp/abort-notes";
import { serverState } from "@/lib/server-state";
import { DELETE, GET, PATCH } from "./route";

const ALICE: Principal = { id: "alice", name: "alice", role: "requester" };
const BOB: Principal = { id: "bob", name: "bob", role: "requester" };
const ADMIN: Principal = { id: "root", name: "root", role: "admin" };
let caller: Principal = ALICE;
// Who is asking is decided elsewhere (sessions, API keys); these tests choose the caller.
vi.mock("@/lib/auth/principal", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/principal")>()),
  principalOf: async () => caller,
}));

const userSays = (text: string): UIMessage => ({ id: `u-${text}`, role: "user", parts: [{ type: "text", text }] });
const url = (id: string) => `http://127.0.0.1/api/chat/threads/${encodeURIComponent(id)}`;
const params = (id: string) => ({ params: Promise.resolve({ id }) });

const read = (id: string) => GET(new Request(url(id)), params(id));
const remove = (id: string) => DELETE(new Request(url(id), { method: "DELETE" }), params(id));
function rename(id: string, body: string, contentType = "application/json") {
  return PATCH(new Request(url(id), { method: "PATCH", headers: { "content-type": contentType }, body }), params(id));
}

let n = 0;
/** A conversation of `ownerId`'s, with a fresh id. */
async function conversationOf(ownerId: string, text = "hello"): Promise<string> {
  const id = `c${++n}-${ownerId}`;
  await serverState().conversationStore.save({ id, ownerId }, [userSays(text)]);
  return id;
}

function ask(threadId: string, signal?: AbortSignal) {
  return serverState().registry.open({
    threadId,
    requesterId: "alice",
    serverName: "shell",
    message: "Run rm -rf build?",
    requestedSchema: { type: "object", properties: {} },
    command: "rm -rf build",
    timeoutMs: 60_000,
    signal,
    // As the MCP elicitation handler says it: the reason the turn was stopped with.
    abortNote: () => turnEndNote(signal?.reason),
    onChange: () => {},
  });
}

beforeEach(async () => {
  caller = ALICE;
  await serverState().started;
});

describe("GET /api/chat/threads/{id}", () => {
  it("gives the owner the conversation and an admin anyone's, others a 404 like a missing id", async () => {
    const id = await conversationOf("alice", "list files");
    const own = conversationStateSchema.parse(await (await read(id)).json());
    expect(own.conversation).toMatchObject({ id, title: "list files", ownerId: "alice" });
    expect(own.messages).toHaveLength(1);

    caller = ADMIN;
    expect((await read(id)).status).toBe(200);
    caller = BOB;
    const theirs = await read(id);
    const missing = await read("no-such-conversation");
    expect(theirs.status).toBe(404);
    expect(await theirs.json()).toEqual(await missing.json());
  });
});

describe("PATCH /api/chat/threads/{id} (rename)", () => {
  it("renames the owner's conversation and answers it as listed", async () => {
    const id = await conversationOf("alice");
    const response = await rename(id, JSON.stringify({ title: "  Cleanup of build  " }));
    expect(response.status).toBe(200);
    expect(conversationSummarySchema.parse(await response.json())).toMatchObject({ id, title: "Cleanup of build" });
    expect((await serverState().conversationStore.get(id))?.title).toBe("Cleanup of build");
  });

  it("answers 404 for someone else's conversation (403 for an admin, who may read it) and leaves the title", async () => {
    const id = await conversationOf("alice", "original");
    caller = BOB;
    expect((await rename(id, JSON.stringify({ title: "mine now" }))).status).toBe(404);
    // Even a bad body: the id is checked first, so the answer does not tell whether it exists.
    expect((await rename(id, "{")).status).toBe(404);
    caller = ADMIN;
    expect((await rename(id, JSON.stringify({ title: "admin's" }))).status).toBe(403);
    expect((await serverState().conversationStore.get(id))?.title).toBe("original");
    caller = ALICE;
    expect((await rename("no-such-conversation", JSON.stringify({ title: "x" }))).status).toBe(404);
  });

  it.each([
    ["not JSON", "{", 400, "not valid JSON"],
    ["no title", "{}", 400, "title"],
    ["an empty title", JSON.stringify({ title: "" }), 400, "title"],
    ["a title of spaces", JSON.stringify({ title: "   " }), 400, "title"],
    ["a title over 120 characters", JSON.stringify({ title: "x".repeat(121) }), 400, "title"],
    ["a title that is not a string", JSON.stringify({ title: 42 }), 400, "title"],
    ["an extra field", JSON.stringify({ title: "ok", ownerId: "bob" }), 400, "ownerId"],
    ["a body over 4 KB", JSON.stringify({ title: "x".repeat(5_000) }), 413, "larger than"],
  ])("refuses %s", async (_what, body, status, words) => {
    const id = await conversationOf("alice", "unchanged");
    const response = await rename(id, body);
    expect(response.status).toBe(status);
    expect(JSON.stringify(await response.json())).toContain(words);
    expect((await serverState().conversationStore.get(id))?.title).toBe("unchanged");
  });

  it("refuses a body that is not JSON by type with 415", async () => {
    const id = await conversationOf("alice");
    expect((await rename(id, JSON.stringify({ title: "x" }), "text/plain")).status).toBe(415);
  });
});

describe("DELETE /api/chat/threads/{id}", () => {
  it("deletes the owner's conversation", async () => {
    const id = await conversationOf("alice");
    expect((await remove(id)).status).toBe(204);
    expect(await serverState().conversationStore.get(id)).toBeUndefined();
    expect((await read(id)).status).toBe(404);
    expect((await remove(id)).status).toBe(404);
  });

  it("answers 404 for someone else's conversation (403 for an admin) and deletes nothing", async () => {
    const id = await conversationOf("alice");
    const { data, settled } = ask(id);
    for (const [who, status] of [[BOB, 404] as const, [ADMIN, 403] as const]) {
      caller = who;
      expect((await remove(id)).status).toBe(status);
    }
    expect(await serverState().conversationStore.get(id)).toBeDefined();
    expect(serverState().registry.get(data.id)?.status).toBe("pending");
    serverState().registry.answer(data.id, { action: "cancel" });
    await settled;
  });

  it("cancels a pending question first: nothing it guards runs, and the stored card says cancelled", async () => {
    const id = await conversationOf("alice", "run rm -rf build");
    const { data, settled } = ask(id);
    expect((await remove(id)).status).toBe(204);
    // What the MCP server hears: cancel, so the command does not run.
    expect(await settled).toEqual({ action: "cancel" });
    expect(serverState().registry.listPending(id)).toEqual([]);
    const stored = (await serverState().questions.many([data.id])).get(data.id);
    expect(stored).toMatchObject<Partial<ElicitationData>>({ status: "cancelled", answeredBy: "alice" });
    expect(await serverState().conversationStore.get(id)).toBeUndefined();
  });

  it("stops the turn in flight (its cards note why) and its reply cannot bring the conversation back", async () => {
    const state = serverState();
    const id = `c${++n}-turn`;
    const run = state.turns.open(id, "alice");
    await state.conversations.follow({ id, ownerId: "alice" }, [userSays("run rm -rf build")], run);
    run.log.push({ type: "start", messageId: `reply-${run.id}` });
    const { data, settled } = ask(id, run.signal);

    expect((await remove(id)).status).toBe(204);
    expect(run.signal.aborted).toBe(true);
    expect(await settled).toEqual({ action: "cancel" });
    expect(state.registry.lookup(data.id)).toMatchObject({ settled: { status: "cancelled", note: expect.stringContaining(DELETED_NOTE) } });

    // The turn goes on writing until it notices; its end must not save the deleted conversation again.
    run.log.push({ type: "text-start", id: "t" });
    run.log.push({ type: "text-delta", id: "t", delta: "too late" });
    state.turns.close(run);
    await run.log.whenDone();
    await new Promise((resolve) => setTimeout(resolve, 400)); // Longer than the reply's save interval.
    expect(await state.conversationStore.get(id)).toBeUndefined();
  });
});
