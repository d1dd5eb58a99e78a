/**
 * The routes behind the inbox and the cards, for several people: who gets 404 (a stranger, as for an id that never
 * was), who gets 403 (may see but not answer), and what each one's inbox and stream show. Identity is given per
 * request (principalOf is what the sign-in work implements; here it returns the person the test names).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { inboxEventSchema } from "@/lib/review/inbox-contract";
import { serverState } from "@/lib/server-state";
import { GET as lookup, POST as answer } from "../elicitations/[id]/route";
import { GET as listPending } from "../elicitations/route";
import { GET as context } from "./[id]/context/route";
import { GET as inbox } from "./route";
import { GET as stream } from "./stream/route";

const people: Record<string, Principal> = {
  alice: { id: "alice", name: "alice", role: "requester" },
  bob: { id: "bob", name: "bob", role: "reviewer" },
  carol: { id: "carol", name: "carol", role: "reviewer" },
  dana: { id: "dana", name: "dana", role: "admin" },
  mallory: { id: "mallory", name: "mallory", role: "requester" },
};

vi.mock("@/lib/auth/principal", async (original) => ({
  ...(await original<typeof import("@/lib/auth/principal")>()),
  principalOf: async (request: Request) => people[request.headers.get("x-test-user") ?? ""] ?? people.mallory,
}));

beforeAll(() => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "inbox-routes-"));
  const file = path.join(folder, "routing.json");
  writeFileSync(
    file,
    JSON.stringify({
      groups: { ops: ["bob", "carol"] },
      rules: [{ match: { server: "shell" }, routeTo: ["ops"], approvals: 2, requesterMayAnswer: false }],
    }),
  );
  process.env.ROUTING_FILE = file;
});

const opened: string[] = [];
afterEach(() => {
  for (const id of opened.splice(0)) serverState().registry.answer(id, { action: "cancel" });
});

function ask(threadId = "t-inbox") {
  const { data } = serverState().registry.open({
    threadId,
    requesterId: "alice",
    serverName: "shell",
    message: "Run `rm -rf build`?",
    requestedSchema: { type: "object", properties: {} },
    command: "rm -rf build",
    risk: "deletes files: rm -rf build",
    timeoutMs: 60_000,
    onChange: () => {},
  });
  opened.push(data.id);
  return data;
}

const as = (user: string, url: string, init: RequestInit = {}) =>
  new Request(`http://127.0.0.1${url}`, { ...init, headers: { ...init.headers, "x-test-user": user } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const post = (user: string, id: string, body: unknown) =>
  answer(
    as(user, `/api/elicitations/${id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    params(id),
  );

describe("answers", () => {
  it("404 for a stranger, 403 for the requester and an admin not routed to, 202 then 200 for two reviewers", async () => {
    const { id } = ask();
    expect((await post("mallory", id, { action: "accept" })).status).toBe(404);
    expect((await post("alice", id, { action: "accept" })).status).toBe(403);
    expect((await post("dana", id, { action: "decline" })).status).toBe(403);
    const first = await post("bob", id, { action: "accept" });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: "pending", review: { approvals: [{ by: "bob" }] } });
    const second = await post("carol", id, { action: "accept" });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: "accepted", answeredBy: "bob and carol" });
    // Settled: strangers still get 404, not the 409 that would say it exists.
    expect((await post("mallory", id, { action: "accept" })).status).toBe(404);
    expect((await post("bob", id, { action: "accept" })).status).toBe(409);
  });

  it("checks a stranger's malformed accept no further than 404", async () => {
    const { id } = ask();
    expect((await post("mallory", id, { action: "accept", arguments: {} })).status).toBe(404);
    expect((await post("bob", id, { action: "accept", arguments: {} })).status).toBe(400);
  });
});

describe("lookups and lists", () => {
  it("looks a question up only for its requester, reviewers and admins", async () => {
    const { id } = ask();
    for (const [user, status] of [
      ["alice", 200],
      ["bob", 200],
      ["dana", 200],
      ["mallory", 404],
    ] as const) {
      expect((await lookup(as(user, `/api/elicitations/${id}`), params(id))).status, user).toBe(status);
    }
    expect((await lookup(as("bob", "/api/elicitations/nope"), params("nope"))).status).toBe(404);
  });

  it("lists a conversation's questions only to those who may see them", async () => {
    const { id } = ask("t-list");
    const list = async (user: string) =>
      (
        (await (await listPending(as(user, "/api/elicitations?threadId=t-list"))).json()) as { elicitations: Array<{ id: string }> }
      ).elicitations.map((d) => d.id);
    expect(await list("alice")).toEqual([id]);
    expect(await list("carol")).toEqual([id]);
    expect(await list("mallory")).toEqual([]);
  });

  it("shows each inbox what it should, with filters", async () => {
    const { id } = ask();
    const items = async (user: string, query = "") =>
      ((await (await inbox(as(user, `/api/inbox${query}`))).json()) as { items: Array<{ data: { id: string }; mayAnswer: boolean }> })
        .items;
    expect((await items("bob")).map((i) => i.data.id)).toEqual([id]);
    expect(await items("bob", "?server=db")).toEqual([]);
    expect((await items("bob", "?risk=DELETES&q=build")).map((i) => i.data.id)).toEqual([id]);
    expect(await items("mallory")).toEqual([]);
    expect(await items("alice")).toEqual([]);
    expect((await items("dana")).map((i) => [i.data.id, i.mayAnswer])).toEqual([[id, false]]);
    expect((await inbox(as("bob", "/api/inbox?server=" + "x".repeat(300)))).status).toBe(400);
  });

  it("gives the conversation's last messages only to those who may see the question", async () => {
    const { id } = ask();
    expect((await context(as("bob", `/api/inbox/${id}/context`), params(id))).status).toBe(200);
    expect((await context(as("mallory", `/api/inbox/${id}/context`), params(id))).status).toBe(404);
  });
});

describe("the stream", () => {
  it("delivers a new question and its settlement to a reviewer, nothing to a stranger", async () => {
    const abortBob = new AbortController();
    const abortMallory = new AbortController();
    const bobs = (await stream(as("bob", "/api/inbox/stream", { signal: abortBob.signal }))).body!.getReader();
    const strangers = (await stream(as("mallory", "/api/inbox/stream", { signal: abortMallory.signal }))).body!.getReader();
    const decoder = new TextDecoder();
    const next = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      const { value } = await reader.read();
      return inboxEventSchema.parse(JSON.parse(decoder.decode(value).replace(/^data: /, "")));
    };
    expect(await next(bobs)).toEqual({ type: "snapshot", items: [] });
    expect(await next(strangers)).toEqual({ type: "snapshot", items: [] });
    const { id } = ask();
    expect(await next(bobs)).toMatchObject({ type: "upsert", item: { data: { id } } });
    await post("bob", id, { action: "decline" });
    expect(await next(bobs)).toMatchObject({ type: "remove", id, data: { status: "declined", answeredBy: "bob" } });
    abortMallory.abort();
    expect((await strangers.read()).done).toBe(true);
    abortBob.abort();
    expect((await bobs.read()).done).toBe(true);
  });
});
