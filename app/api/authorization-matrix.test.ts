/**
 * An adversarial review of every API route with users configured, through the real principalOf (bearer API keys
 * and a session cookie from the real sign-in route). alice and bob are requesters, carol a reviewer the routing
 * file sends bob's shell questions to, dana an admin. For each route and method: who gets what (the matrix), alice
 * with bob's ids gets exactly what an id nobody has gets and changes nothing, no or a wrong credential gets 401,
 * ids that look like path tricks get 4xx. Then the other members of each attack class: two answers at once, a
 * requester answering under requesterMayAnswer:false, the inbox context and stream, the audit export, a removed
 * user's cookie, and the proxy's Host/Origin checks.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { UIMessage } from "ai";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as auditList } from "@/app/api/audit/route";
import { GET as auditVerify } from "@/app/api/audit/verify/route";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as chat } from "@/app/api/chat/route";
import { POST as stop } from "@/app/api/chat/runs/[id]/stop/route";
import { GET as replay } from "@/app/api/chat/runs/[id]/stream/route";
import { DELETE as deleteThread, GET as getThread, PATCH as renameThread } from "@/app/api/chat/threads/[id]/route";
import { GET as listThreads } from "@/app/api/chat/threads/route";
import { GET as lookup, POST as answer } from "@/app/api/elicitations/[id]/route";
import { GET as listPending } from "@/app/api/elicitations/route";
import * as contextRoute from "@/app/api/inbox/[id]/context/route";
import * as inboxRoute from "@/app/api/inbox/route";
import * as inboxStreamRoute from "@/app/api/inbox/stream/route";
import { GET as deliveries } from "@/app/api/notifications/deliveries/route";
import { DELETE as revoke, GET as listApprovals } from "@/app/api/tool-approvals/route";
import { Users } from "@/lib/auth/users";
import type { ChatTurn } from "@/lib/chat/turns";
import type { ElicitationAnswer } from "@/lib/elicitation/contract";
import { inboxEventSchema, type InboxEvent } from "@/lib/review/inbox-contract";
import { serverState } from "@/lib/server-state";
import { proxy } from "@/proxy";

const BASE = "http://127.0.0.1:3107";
const PEOPLE = ["alice", "bob", "carol", "dana"] as const;
type Person = (typeof PEOPLE)[number];
type Caller = Person | "nobody" | "bad key";
const CALLERS: Caller[] = [...PEOPLE, "nobody", "bad key"];

const keys = {} as Record<Person, string>;
const ids = {} as Record<Person, string>;
const messages: UIMessage[] = [{ id: "m1", role: "user", parts: [{ type: "text", text: "bob's secret plan" }] }];
const bob = { thread: randomUUID(), title: "", shellQuestion: "", toolQuestion: "" };
let bobsTurn: ChatTurn;
const opened: string[] = [];
const streams: AbortController[] = [];

beforeAll(async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "authz-matrix-"));
  process.env.ROUTING_FILE = path.join(folder, "routing.json");
  writeFileSync(
    process.env.ROUTING_FILE,
    JSON.stringify({
      rules: [
        { match: { server: "shell" }, routeTo: ["carol"], requesterMayAnswer: false },
        { match: { server: "race" }, routeTo: ["carol", "dana"] },
        { match: { server: "pair" }, routeTo: ["carol", "dana"], approvals: 2 },
      ],
    }),
  );
  const state = serverState();
  await state.started;
  const users = new Users(state.auth);
  for (const name of PEOPLE) {
    const { user } = await users.add(name, name === "carol" ? "reviewer" : name === "dana" ? "admin" : "requester");
    ids[name] = user.id;
    keys[name] = await users.token(name);
  }
  await state.conversationStore.save({ id: bob.thread, ownerId: ids.bob }, messages);
  bob.title = (await state.conversationStore.get(bob.thread))!.title;
  bobsTurn = state.turns.open(bob.thread, ids.bob);
  state.approvals.allow(bob.thread, "db", "drop_table", "fingerprint");
  bob.shellQuestion = ask("bob", "shell", bob.thread);
  bob.toolQuestion = ask("bob", "db", bob.thread, true);
});
afterEach(() => streams.splice(0).forEach((controller) => controller.abort()));
afterAll(() => {
  for (const id of opened) serverState().registry.answer(id, { action: "cancel" });
  serverState().turns.close(bobsTurn);
});

/** A pending question asked in `who`'s turn; `tool`: a tool-call card of the approval gate. */
function ask(who: Person, serverName: string, threadId: string = randomUUID(), tool = false): string {
  const { data } = serverState().registry.open({
    threadId,
    requesterId: ids[who],
    requesterName: who,
    serverName,
    message: "Run `rm -rf build`?",
    requestedSchema: { type: "object", properties: {} },
    command: tool ? undefined : "rm -rf build",
    risk: tool ? undefined : "deletes files: rm -rf build",
    toolCall: tool
      ? {
          toolName: "drop_table",
          arguments: { table: "users" },
          inputSchema: { type: "object" },
          reason: "destructive",
          rememberable: true,
        }
      : undefined,
    timeoutMs: 60_000,
    onChange: () => {},
  });
  opened.push(data.id);
  return data.id;
}

function credentials(who: Caller): Record<string, string> {
  if (who === "nobody") return {};
  return { authorization: `Bearer ${who === "bad key" ? "ec_" + "x".repeat(40) : keys[who]}` };
}
function request(who: Caller, url: string, init: RequestInit = {}): Request {
  const controller = new AbortController();
  streams.push(controller);
  const headers = { "content-type": "application/json", ...credentials(who), ...(init.headers as Record<string, string>) };
  return new Request(`${BASE}${url}`, { ...init, headers, signal: controller.signal });
}
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const enc = encodeURIComponent;
const json = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });
const decline: ElicitationAnswer = { action: "decline" };

/** Every route and method that takes someone's id: the question, the conversation or the turn. */
type IdRoute = (who: Caller, id: string) => Promise<Response>;
const questionRoutes: Record<string, IdRoute> = {
  "GET /api/elicitations/{id}": (who, id) => lookup(request(who, `/api/elicitations/${enc(id)}`), params(id)),
  "POST /api/elicitations/{id}": (who, id) => answer(request(who, `/api/elicitations/${enc(id)}`, json(decline)), params(id)),
  "GET /api/inbox/{id}/context": (who, id) => contextRoute.GET(request(who, `/api/inbox/${enc(id)}/context`), params(id)),
};
const threadRoutes: Record<string, IdRoute> = {
  "GET /api/chat/threads/{id}": (who, id) => getThread(request(who, `/api/chat/threads/${enc(id)}`), params(id)),
  "PATCH /api/chat/threads/{id}": (who, id) =>
    renameThread(
      request(who, `/api/chat/threads/${enc(id)}`, { method: "PATCH", body: JSON.stringify({ title: `by ${who}` }) }),
      params(id),
    ),
  "DELETE /api/chat/threads/{id}": (who, id) =>
    deleteThread(request(who, `/api/chat/threads/${enc(id)}`, { method: "DELETE" }), params(id)),
  "GET /api/elicitations?threadId": (who, id) => listPending(request(who, `/api/elicitations?threadId=${enc(id)}`)),
  "GET /api/tool-approvals?threadId": (who, id) => listApprovals(request(who, `/api/tool-approvals?threadId=${enc(id)}`)),
  "DELETE /api/tool-approvals?threadId": (who, id) =>
    revoke(request(who, `/api/tool-approvals?threadId=${enc(id)}&serverName=db&toolName=drop_table`, { method: "DELETE" })),
};
const runRoutes: Record<string, IdRoute> = {
  "GET /api/chat/runs/{id}/stream": (who, id) => replay(request(who, `/api/chat/runs/${enc(id)}/stream`), params(id)),
  "POST /api/chat/runs/{id}/stop": (who, id) => stop(request(who, `/api/chat/runs/${enc(id)}/stop`, { method: "POST" }), params(id)),
};
/** Routes without an id: lists, the audit trail, the notification log, sign-in's own endpoints. */
const plainRoutes: Record<string, (who: Caller) => Promise<Response>> = {
  "GET /api/chat/threads": (who) => listThreads(request(who, "/api/chat/threads")),
  "POST /api/chat (bob's conversation)": (who) => chat(request(who, "/api/chat", json({ id: bob.thread, messages }))),
  "GET /api/inbox": (who) => inboxRoute.GET(request(who, "/api/inbox")),
  "GET /api/inbox/stream": (who) => inboxStreamRoute.GET(request(who, "/api/inbox/stream")),
  "GET /api/audit": (who) => auditList(request(who, "/api/audit")),
  "GET /api/audit?format=csv": (who) => auditList(request(who, "/api/audit?format=csv")),
  "GET /api/audit/verify": (who) => auditVerify(request(who, "/api/audit/verify")),
  "GET /api/notifications/deliveries": (who) => deliveries(request(who, "/api/notifications/deliveries")),
  "POST /api/auth/api-key/create": (who) => authPost(request(who, "/api/auth/api-key/create", json({ userId: ids.bob }))),
  "POST /api/auth/sign-up/email": (who) =>
    authPost(request(who, "/api/auth/sign-up/email", json({ email: "x@y.z", password: "p".repeat(12) }))),
  "GET /api/auth/list-sessions": (who) => authGet(request(who, "/api/auth/list-sessions")),
};

/** Who gets what for bob's ids (- : not tried here, it would change what the other rows test; see below). */
const EXPECTED: Record<string, Partial<Record<Caller, number | "-">>> = {
  "GET /api/chat/threads/{id}": { alice: 404, bob: 200, carol: 404, dana: 200 },
  "PATCH /api/chat/threads/{id}": { alice: 404, bob: "-", carol: 404, dana: 403 },
  "DELETE /api/chat/threads/{id}": { alice: 404, bob: "-", carol: 404, dana: 403 },
  "GET /api/elicitations?threadId": { alice: 200, bob: 200, carol: 200, dana: 200 },
  "GET /api/tool-approvals?threadId": { alice: 404, bob: 200, carol: 404, dana: 404 },
  "DELETE /api/tool-approvals?threadId": { alice: 404, bob: "-", carol: 404, dana: 404 },
  "GET /api/chat/runs/{id}/stream": { alice: 204, bob: 200, carol: 204, dana: 200 },
  "POST /api/chat/runs/{id}/stop": { alice: 204, bob: "-", carol: 204, dana: 204 },
  "GET /api/elicitations/{id} (shell, routed to carol)": { alice: 404, bob: 200, carol: 200, dana: 200 },
  "POST /api/elicitations/{id} (shell, routed to carol)": { alice: 404, bob: 403, carol: "-", dana: 403 },
  "GET /api/inbox/{id}/context (shell, routed to carol)": { alice: 404, bob: 200, carol: 200, dana: 200 },
  "GET /api/elicitations/{id} (tool call, not routed)": { alice: 404, bob: 200, carol: 404, dana: 200 },
  "POST /api/elicitations/{id} (tool call, not routed)": { alice: 404, bob: "-", carol: 404, dana: 403 },
  "GET /api/inbox/{id}/context (tool call, not routed)": { alice: 404, bob: 200, carol: 404, dana: 200 },
  "GET /api/chat/threads": { alice: 200, bob: 200, carol: 200, dana: 200 },
  "POST /api/chat (bob's conversation)": { alice: 404, bob: "-", carol: 404, dana: 404 },
  "GET /api/inbox": { alice: 200, bob: 200, carol: 200, dana: 200 },
  "GET /api/inbox/stream": { alice: 200, bob: 200, carol: 200, dana: 200 },
  "GET /api/audit": { alice: 403, bob: 403, carol: 200, dana: 200 },
  "GET /api/audit?format=csv": { alice: 403, bob: 403, carol: 200, dana: 200 },
  "GET /api/audit/verify": { alice: 403, bob: 403, carol: 403, dana: 200 },
  "GET /api/notifications/deliveries": { alice: 403, bob: 403, carol: 403, dana: 200 },
  "POST /api/auth/api-key/create": { alice: 404, bob: 404, carol: 404, dana: 404, nobody: 404, "bad key": 404 },
  "POST /api/auth/sign-up/email": { alice: 404, bob: 404, carol: 404, dana: 404, nobody: 404, "bad key": 404 },
  "GET /api/auth/list-sessions": { alice: 404, bob: 404, carol: 404, dana: 404, nobody: 404, "bad key": 404 },
};

/** Every row of the matrix: a name and how to call it as someone. */
function matrixRows(): Array<[string, (who: Caller) => Promise<Response>]> {
  const byId = (routes: Record<string, IdRoute>, id: string, label = "") =>
    Object.entries(routes).map(
      ([name, call]) => [`${name}${label}`, (who: Caller) => call(who, id)] as [string, (who: Caller) => Promise<Response>],
    );
  return [
    ...byId(threadRoutes, bob.thread),
    ...byId(runRoutes, bobsTurn.id),
    ...byId(questionRoutes, bob.shellQuestion, " (shell, routed to carol)"),
    ...byId(questionRoutes, bob.toolQuestion, " (tool call, not routed)"),
    ...Object.entries(plainRoutes),
  ];
}

async function status(response: Response): Promise<number> {
  await response.body?.cancel().catch(() => {});
  return response.status;
}

describe("the matrix: route × who → status, for bob's ids", () => {
  it("is what the route docs say, and nothing of bob's changes", async () => {
    const seen: Record<string, Partial<Record<Caller, number | "-">>> = {};
    for (const [name, call] of matrixRows()) {
      seen[name] = {};
      for (const who of CALLERS) {
        const expected = EXPECTED[name]?.[who] ?? (who === "nobody" || who === "bad key" ? 401 : undefined);
        seen[name][who] = expected === "-" ? "-" : await status(await call(who));
      }
    }
    const full = Object.fromEntries(Object.entries(EXPECTED).map(([name, row]) => [name, { nobody: 401, "bad key": 401, ...row }]));
    expect(seen).toEqual(full);
    await expectBobsThingsUntouched();
  });

  it("answers alice for bob's ids exactly as for ids nobody has (status, type and body), and changes nothing", async () => {
    const nobodys = { thread: randomUUID(), question: randomUUID(), run: randomUUID() };
    const seen = async (response: Response) => ({
      status: response.status,
      type: response.headers.get("content-type"),
      body: await response.text(),
    });
    const pairs: Array<[string, IdRoute, string, string]> = [
      ...Object.entries(threadRoutes).map(([name, call]) => [name, call, bob.thread, nobodys.thread] as [string, IdRoute, string, string]),
      ...Object.entries(runRoutes).map(([name, call]) => [name, call, bobsTurn.id, nobodys.run] as [string, IdRoute, string, string]),
      ...[bob.shellQuestion, bob.toolQuestion].flatMap((question) =>
        Object.entries(questionRoutes).map(([name, call]) => [name, call, question, nobodys.question] as [string, IdRoute, string, string]),
      ),
    ];
    for (const [name, call, bobsId, nobodysId] of pairs) {
      expect(await seen(await call("alice", bobsId)), name).toEqual(await seen(await call("alice", nobodysId)));
    }
    await expectBobsThingsUntouched();
  });

  it("answers 401 to every route, for every id, without credentials, with a wrong key or another scheme", async () => {
    const rows = matrixRows().filter(([name]) => !name.includes("/api/auth/"));
    for (const [name, call] of rows) {
      for (const who of ["nobody", "bad key"] as const) {
        const response = await call(who);
        expect([name, who, response.status], await response.text()).toEqual([name, who, 401]);
      }
    }
    const basic = await listThreads(new Request(`${BASE}/api/chat/threads`, { headers: { authorization: `Basic ${btoa("bob:x")}` } }));
    expect(basic.status).toBe(401);
    // A key is the whole header: bob's key with anything after it is not bob.
    const padded = await listThreads(new Request(`${BASE}/api/chat/threads`, { headers: { authorization: `Bearer ${keys.bob} x` } }));
    expect(padded.status).toBe(401);
    await expectBobsThingsUntouched();
  });

  it("answers ids that look like path tricks with a 4xx (runs: the same 204 as any unknown id), never a 500", async () => {
    const tricks = ["..%2F..%2Fetc%2Fpasswd", "../../../etc/passwd", "x".repeat(10_000), "💥ü\u202eﬀ", "%00", "\u0000", " ", "a/b?c#d"];
    const all: Array<[string, IdRoute, number[]]> = [
      ...Object.entries(questionRoutes).map(([name, call]) => [name, call, [400, 404]] as [string, IdRoute, number[]]),
      ...Object.entries(threadRoutes).map(([name, call]) => [name, call, [200, 400, 404]] as [string, IdRoute, number[]]),
      ...Object.entries(runRoutes).map(([name, call]) => [name, call, [204]] as [string, IdRoute, number[]]),
    ];
    for (const [name, call, allowed] of all) {
      for (const id of tricks) {
        for (const who of ["alice", "dana"] as const) {
          const got = await status(await call(who, id));
          expect(allowed, `${name} ${JSON.stringify(id.slice(0, 20))} as ${who}: ${got}`).toContain(got);
        }
      }
    }
    // A list for a trick id is empty (200) or refused (400): never someone's.
    const tooLong = await chat(request("alice", "/api/chat", json({ id: "x".repeat(10_000), messages })));
    expect(tooLong.status).toBe(400);
    await expectBobsThingsUntouched();
  });
});

describe("lists", () => {
  it("show each person only what they may see: carol what is routed to her, dana everything (answering nothing), alice nothing of bob's", async () => {
    const listed = async (who: Person) =>
      (
        (await (await listPending(request(who, `/api/elicitations?threadId=${bob.thread}`))).json()) as {
          elicitations: Array<{ id: string }>;
        }
      ).elicitations
        .map((data) => data.id)
        .sort();
    const inboxOf = async (who: Person) =>
      (
        (await (await inboxRoute.GET(request(who, "/api/inbox"))).json()) as {
          items: Array<{ data: { id: string; threadId: string }; mayAnswer: boolean }>;
        }
      ).items
        .filter((item) => item.data.threadId === bob.thread)
        .map((item) => [item.data.id, item.mayAnswer]);
    expect(await listed("alice")).toEqual([]);
    expect(await listed("carol")).toEqual([bob.shellQuestion]);
    expect(await listed("bob")).toEqual([bob.shellQuestion, bob.toolQuestion].sort());
    expect(await listed("dana")).toEqual([bob.shellQuestion, bob.toolQuestion].sort());
    expect(await inboxOf("alice")).toEqual([]);
    expect(await inboxOf("carol")).toEqual([[bob.shellQuestion, true]]);
    expect(await inboxOf("bob")).toEqual([[bob.toolQuestion, true]]);
    expect(new Set(await inboxOf("dana"))).toEqual(
      new Set([
        [bob.shellQuestion, false],
        [bob.toolQuestion, false],
      ]),
    );
    const threadsOf = async (who: Person) =>
      ((await (await listThreads(request(who, "/api/chat/threads"))).json()) as { conversations: Array<{ id: string }> }).conversations.map(
        (c) => c.id,
      );
    for (const who of ["alice", "carol", "dana"] as const) expect(await threadsOf(who)).not.toContain(bob.thread);
    expect(await threadsOf("bob")).toContain(bob.thread);
  });
});

/** bob's question still waits, his conversation is there with its title, his turn runs, his approval stays. */
async function expectBobsThingsUntouched() {
  const state = serverState();
  expect(state.registry.get(bob.shellQuestion)?.status).toBe("pending");
  expect(state.registry.get(bob.toolQuestion)?.status).toBe("pending");
  expect((await state.conversationStore.get(bob.thread))?.title).toBe(bob.title);
  expect(bobsTurn.signal.aborted).toBe(false);
  expect(state.approvals.list(bob.thread)).toHaveLength(1);
}

const post = (who: Caller, id: string, body: ElicitationAnswer) =>
  answer(request(who, `/api/elicitations/${enc(id)}`, json(body)), params(id));

describe("answers", () => {
  it("two people answering at once: exactly one wins, the others get 409", async () => {
    const id = ask("alice", "race");
    const answers = await Promise.all([post("alice", id, decline), post("carol", id, { action: "accept" }), post("dana", id, decline)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const winner = answers.find((r) => r.status === 200)!;
    const outcome = await winner.json();
    for (const loser of answers.filter((r) => r !== winner)) expect((await loser.json()).error.details).toEqual(outcome);

    // The same person twice at once counts once, under four eyes too.
    const paired = ask("alice", "pair");
    const twice = await Promise.all([post("carol", paired, { action: "accept" }), post("carol", paired, { action: "accept" })]);
    expect(twice.map((r) => r.status)).toEqual([202, 202]);
    expect(
      serverState()
        .registry.get(paired)
        ?.review?.approvals.map((a) => a.by),
    ).toEqual(["carol"]);
    expect((await post("dana", paired, { action: "accept" })).status).toBe(200);
    expect(serverState().registry.lookup(paired)).toMatchObject({ settled: { status: "accepted", answeredBy: "carol and dana" } });
  });

  it("a requester cannot answer their own question under requesterMayAnswer:false, by any action, admin or not", async () => {
    const danas = ask("dana", "shell");
    const attempts: ElicitationAnswer[] = [
      { action: "accept" },
      { action: "accept", content: { command: "true" }, remember: true },
      decline,
      { action: "cancel" },
    ];
    for (const [who, id] of [
      ["bob", bob.shellQuestion],
      ["dana", danas],
    ] as const) {
      for (const attempt of attempts) expect((await post(who, id, attempt)).status, `${who} ${JSON.stringify(attempt)}`).toBe(403);
      expect(serverState().registry.get(id)?.status).toBe("pending");
    }
    // Nor through the inbox: its routes only read, and bob's inbox does not offer him his own question.
    for (const route of [contextRoute, inboxRoute, inboxStreamRoute]) {
      expect(Object.keys(route).filter((name) => /^(POST|PUT|PATCH|DELETE)$/.test(name))).toEqual([]);
    }
    const bobsInbox = (await (await inboxRoute.GET(request("bob", "/api/inbox"))).json()) as { items: Array<{ data: { id: string } }> };
    expect(bobsInbox.items.map((item) => item.data.id)).not.toContain(bob.shellQuestion);
  });

  it("a reviewer answering a question not routed to them gets what an id nobody has gets", async () => {
    const carols = await post("carol", bob.toolQuestion, decline);
    const nobodys = await post("carol", randomUUID(), decline);
    expect([carols.status, await carols.text()]).toEqual([nobodys.status, await nobodys.text()]);
    expect(serverState().registry.get(bob.toolQuestion)?.status).toBe("pending");
  });
});

describe("reading other people's conversations", () => {
  it("the inbox context gives the routed reviewer the last messages' text while the question waits, then nothing", async () => {
    const thread = randomUUID();
    await serverState().conversationStore.save({ id: thread, ownerId: ids.bob }, messages);
    const id = ask("bob", "shell", thread);
    const context = (who: Caller) => contextRoute.GET(request(who, `/api/inbox/${id}/context`), params(id));
    expect(await (await context("carol")).json()).toEqual({ messages: [{ id: "m1", role: "user", text: "bob's secret plan" }] });
    expect((await context("alice")).status).toBe(404);
    // The question does not open the whole conversation to its reviewer.
    expect((await getThread(request("carol", `/api/chat/threads/${thread}`), params(thread))).status).toBe(404);
    expect((await post("carol", id, decline)).status).toBe(200);
    expect((await context("carol")).status).toBe(404);
    expect((await context("bob")).status).toBe(404);
  });

  it("the inbox stream shows nobody a question they may not answer (admins: all, read-only)", async () => {
    const readers = Object.fromEntries(
      (["alice", "carol", "dana"] as const).map((who) => [who, eventsOf(inboxStreamRoute.GET(request(who, "/api/inbox/stream")))]),
    );
    const snapshots = Object.fromEntries(await Promise.all(Object.entries(readers).map(async ([who, next]) => [who, await next()])));
    const idsIn = (event: InboxEvent) =>
      event.type === "snapshot" ? event.items.map((i) => i.data.id) : [event.type === "upsert" ? event.item.data.id : event.id];
    expect(idsIn(snapshots.alice!)).toEqual([]);
    expect(idsIn(snapshots.carol!)).toContain(bob.shellQuestion);
    expect(idsIn(snapshots.carol!)).not.toContain(bob.toolQuestion);
    expect(idsIn(snapshots.dana!)).toEqual(expect.arrayContaining([bob.shellQuestion, bob.toolQuestion]));

    const bobs = ask("bob", "shell");
    const alices = ask("alice", "db"); // unrouted: only alice (and admins) see it
    serverState().registry.answer(bobs, { action: "cancel" });
    serverState().registry.answer(alices, { action: "cancel" });
    // alice hears only of her own question, up to its end; carol only of bob's routed one, up to its end.
    const until = async (next: () => Promise<InboxEvent>, last: string) => {
      const heard: InboxEvent[] = [];
      do heard.push(await next());
      while (!(heard.at(-1)!.type === "remove" && idsIn(heard.at(-1)!)[0] === last));
      return heard;
    };
    expect(new Set((await until(readers.alice!, alices)).flatMap(idsIn))).toEqual(new Set([alices]));
    expect(new Set((await until(readers.carol!, bobs)).flatMap(idsIn))).toEqual(new Set([bobs]));
    const danas = await until(readers.dana!, alices);
    expect(danas.filter((e) => e.type === "upsert").every((e) => e.type === "upsert" && !e.item.mayAnswer)).toBe(true);
  });
});

/** Reads server-sent events one at a time (frames may arrive split or together; heartbeats are skipped). */
function eventsOf(response: Promise<Response>): () => Promise<InboxEvent> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const decoder = new TextDecoder();
  let buffer = "";
  return async () => {
    reader ??= (await response).body!.getReader();
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith("data: ")) return inboxEventSchema.parse(JSON.parse(frame.slice(6)));
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended");
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

describe("the audit trail", () => {
  it("is closed to requesters in every format; a reviewer's export holds only their own decisions", async () => {
    await serverState().writes.idle();
    for (const format of ["json", "csv", "jsonl"]) {
      for (const who of ["alice", "bob"] as const) {
        const response = await auditList(request(who, `/api/audit?format=${format}`));
        expect([format, who, response.status]).toEqual([format, who, 403]);
        expect(await response.text()).not.toContain(bob.shellQuestion);
      }
    }
    const entries = async (who: Caller, query = "") =>
      (await (await auditList(request(who, `/api/audit?format=jsonl${query}`))).text())
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { actor: string; questionId?: string });
    const carols = await entries("carol");
    expect(carols.length).toBeGreaterThan(0);
    expect(new Set(carols.map((entry) => entry.actor))).toEqual(new Set(["carol"]));
    expect(await entries("carol", `&actor=${ids.bob}`)).toEqual([]);
    expect((await entries("dana")).some((entry) => entry.questionId === bob.shellQuestion)).toBe(true);
  });
});

describe("sessions", () => {
  it("a removed user's session cookie and key stop at once (a cookie does not rescue a bad key)", async () => {
    const state = serverState();
    const users = new Users(state.auth);
    const { password } = await users.add("erin", "requester");
    const erinsKey = await users.token("erin");
    const signedIn = await authPost(
      new Request(`${BASE}/api/auth/sign-in/username`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE },
        body: JSON.stringify({ username: "erin", password }),
      }),
    );
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const threads = (headers: Record<string, string>) => listThreads(new Request(`${BASE}/api/chat/threads`, { headers }));
    expect((await threads({ cookie })).status).toBe(200);
    expect((await threads({ cookie, authorization: "Bearer ec_wrong" })).status).toBe(401);
    await users.remove("erin");
    expect((await threads({ cookie })).status).toBe(401);
    expect((await threads({ authorization: `Bearer ${erinsKey}` })).status).toBe(401);
    const gate = await proxy(new NextRequest(`${BASE}/api/chat/threads`, { headers: { host: "127.0.0.1:3107", cookie } }));
    expect(gate.status).toBe(401);
  });
});

describe("the proxy, with users configured", () => {
  const changes: Array<[string, string]> = [
    ["POST", `/api/elicitations/${randomUUID()}`],
    ["POST", "/api/chat"],
    ["POST", `/api/chat/runs/${randomUUID()}/stop`],
    ["PATCH", `/api/chat/threads/${randomUUID()}`],
    ["DELETE", `/api/chat/threads/${randomUUID()}`],
    ["DELETE", "/api/tool-approvals?threadId=t&serverName=s&toolName=t"],
    ["POST", "/api/auth/sign-in/username"],
    ["POST", "/api/auth/sign-out"],
  ];
  const through = (method: string, url: string, headers: Record<string, string>) =>
    proxy(new NextRequest(`${BASE}${url}`, { method, headers: { host: "127.0.0.1:3107", ...headers } }));

  it("refuses a state-changing call from another Host or Origin (403) even with a valid key, and one without credentials (401)", async () => {
    const bobs = { authorization: `Bearer ${keys.bob}` };
    for (const [method, url] of changes) {
      const name = `${method} ${url}`;
      expect([name, (await through(method, url, { ...bobs, origin: "http://evil.example" })).status]).toEqual([name, 403]);
      expect([name, (await through(method, url, { ...bobs, origin: "null" })).status]).toEqual([name, 403]);
      expect([name, (await through(method, url, { ...bobs, host: "evil.example" })).status]).toEqual([name, 403]);
      expect([name, (await through(method, url, { ...bobs, host: "127.0.0.1.evil.example:3107" })).status]).toEqual([name, 403]);
      const passed = await through(method, url, { ...bobs, origin: BASE });
      expect([name, passed.headers.get("x-middleware-next")]).toEqual([name, "1"]);
      if (!url.startsWith("/api/auth/")) expect([name, (await through(method, url, { origin: BASE })).status]).toEqual([name, 401]);
    }
  });

  it("never lets a caller name themselves: the signed-in header is replaced, and dropped without credentials", async () => {
    const forged = { "x-elicit-chat-user": encodeURIComponent(JSON.stringify({ name: "dana", role: "admin" })) };
    expect((await through("GET", "/api/inbox", forged)).status).toBe(401);
    const page = await through("GET", "/inbox", forged);
    const location = new URL(page.headers.get("location") ?? "", BASE);
    expect([page.status, location.pathname + location.search]).toEqual([307, "/sign-in?next=%2Finbox"]);
    const asBob = await through("GET", "/inbox", { ...forged, authorization: `Bearer ${keys.bob}` });
    expect(decodeURIComponent(asBob.headers.get("x-middleware-request-x-elicit-chat-user") ?? "")).toBe(
      JSON.stringify({ name: "bob", role: "requester" }),
    );
  });

  it("sign-in itself checks the Origin even when called past the proxy", async () => {
    const response = await authPost(
      new Request(`${BASE}/api/auth/sign-in/username`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://evil.example", cookie: "x=1" },
        body: JSON.stringify({ username: "bob", password: "whatever-it-is" }),
      }),
    );
    expect(response.status).toBe(403);
  });
});

describe("a conversation's first message", () => {
  it("makes it its sender's: someone racing past the route's owner check with the same id writes nothing into it", async () => {
    const { conversations, conversationStore, turns } = serverState();
    const id = randomUUID();
    const said = (who: Person): UIMessage[] => [{ id: `${who}-1`, role: "user", parts: [{ type: "text", text: `${who} here` }] }];
    const bobsRun = turns.open(id, ids.bob);
    const alicesRun = turns.open(id, ids.alice);
    try {
      // Both passed POST /api/chat's check (nothing stored yet); bob's first message reached the store first.
      await conversations.follow({ id, ownerId: ids.bob }, said("bob"), bobsRun);
      await expect(conversations.follow({ id, ownerId: ids.alice }, said("alice"), alicesRun)).rejects.toMatchObject({ code: "not_found" });
      await expect(conversationStore.save({ id, ownerId: ids.alice }, said("alice"), 1)).rejects.toMatchObject({ code: "not_found" });
      expect((await conversationStore.get(id))?.messages.map((message) => message.id)).toEqual(["bob-1"]);
      expect((await conversations.state(id))?.runId).toBe(bobsRun.id);
    } finally {
      turns.close(alicesRun);
      turns.close(bobsRun);
    }
  });
});
