/**
 * /api/mcp end to end, in process: the official SDK client over Streamable HTTP, its fetch calling the route's
 * handler, with real API keys. alice is an agent's key, carol the reviewer the routing file sends "people"
 * questions to, mallory another requester. Answers go through the real answer route, as the inbox sends them.
 */
import type { Client } from "@modelcontextprotocol/client";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Users } from "@/lib/auth/users";
import { requestOutcomeSchema } from "@/lib/experts/contract";
import { serverState } from "@/lib/server-state";
import { proxy } from "@/proxy";
import { answerAs, BASE, callTool, connectPeople, pendingPeopleQuestion, type Era, setUpPeopleTeam } from "@/testing/people-mcp-client";
import { POST as chatRoute } from "@/app/api/chat/route";
import { GET as contextRoute } from "@/app/api/inbox/[id]/context/route";
import { POST } from "./route";

const keys = { alice: "", carol: "", mallory: "" };
const clients: Client[] = [];

beforeAll(async () => {
  Object.assign(keys, await setUpPeopleTeam());
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
});

/** Both protocol eras the route serves: 2026-07-28 (per-request) and 2025 clients (the SDK's stateless fallback). */
const ERAS: Record<string, Era> = { "2026-07-28": { pin: "2026-07-28" }, "2025 (legacy)": "legacy" };
let era: Era = "legacy";

async function connect(key: string): Promise<Client> {
  const client = await connectPeople(key, era);
  clients.push(client);
  return client;
}

describe.each(Object.entries(ERAS))("/api/mcp, %s", (_name, mode) => {
  beforeAll(() => {
    era = mode;
  });

  it("lists the five tools with input and output schemas", async () => {
    const client = await connect(keys.alice);
    expect(client.getNegotiatedProtocolVersion()).toBe(typeof era === "string" ? "2025-11-25" : era.pin);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "ask_human",
      "cancel_request",
      "get_request",
      "list_requests",
      "request_review",
    ]);
    const ask = tools.find((tool) => tool.name === "ask_human")!;
    expect(ask.inputSchema.required).toEqual(["question"]);
    expect(Object.keys(ask.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["question", "context", "answer", "specialty", "urgency", "deadline", "wait"]),
    );
    expect(Object.keys(ask.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(["id", "status", "answer", "answeredBy"]));
    for (const tool of tools) expect(tool.outputSchema, tool.name).toBeDefined();
  });

  it("asks without waiting, shows it to the reviewer, and returns the reviewer's answer to get_request", async () => {
    const client = await connect(keys.alice);
    const asked = await callTool(client, "ask_human", {
      question: "Is clause 7 compliant?",
      context: "Clause 7: *data kept for 10 years*.",
      specialty: "legal",
      urgency: "high",
      wait: false,
    });
    expect(asked.isError).toBe(false);
    const { id, status } = requestOutcomeSchema.parse(asked.output);
    expect(status).toBe("pending");
    expect((await callTool(client, "get_request", { id })).output).toEqual({ id, status: "pending" });

    const state = serverState();
    const carol = {
      id: (await new Users(state.auth).list()).find((u) => u.name === "carol")!.id,
      name: "carol",
      role: "reviewer" as const,
    };
    const card = state.review.inbox(carol).find((item) => item.data.id === id);
    expect(card?.data).toMatchObject({ serverName: "people", review: { routedTo: ["experts"] } });
    expect(card?.data.message).toContain("Is clause 7 compliant?");
    expect(card?.requesterName).toBe("alice");

    expect((await answerAs(keys.alice, id, { action: "accept", content: { answer: "yes" } })).status).toBe(403);
    const response = await answerAs(keys.carol, id, { action: "accept", content: { answer: "No: **5 years** at most." } });
    expect(response.status).toBe(200);
    const got = await callTool(client, "get_request", { id });
    expect(got.output).toMatchObject({
      id,
      status: "answered",
      answer: "No: **5 years** at most.",
      answeredBy: { name: "carol", role: "reviewer" },
    });
    expect(Date.parse(got.output!.answeredAt!)).toBeGreaterThan(Date.now() - 60_000);
    // On the audit trail like any question: asked by the key's user, answered by the reviewer.
    await state.writes.idle();
    const trail = await state.database.db.selectFrom("audit_entries").select(["type", "actor"]).where("question_id", "=", id).execute();
    const aliceId = (await new Users(state.auth).list()).find((u) => u.name === "alice")!.id;
    expect(trail).toEqual(expect.arrayContaining([{ type: "asked", actor: aliceId }, expect.objectContaining({ type: "answered" })]));
  });

  it("records on the audit trail which of the user's API keys asked", async () => {
    const state = serverState();
    const secondKey = await new Users(state.auth).token("alice");
    const ids: string[] = [];
    for (const key of [keys.alice, secondKey]) {
      const asked = await callTool(await connect(key), "ask_human", { question: "Which key?", wait: false });
      ids.push(asked.output!.id);
    }
    await state.writes.idle();
    const entries = await state.database.db
      .selectFrom("audit_entries")
      .select(["question_id", "details"])
      .where("type", "=", "asked")
      .where("question_id", "in", ids)
      .execute();
    const keyOf = (id: string) => JSON.parse(entries.find((entry) => entry.question_id === id)!.details).apiKey;
    const [first, second] = ids.map(keyOf);
    expect(first).toMatchObject({ id: expect.any(String), name: "cli" });
    expect(second).toMatchObject({ id: expect.any(String), name: "cli" });
    expect(first.id).not.toBe(second.id);
  });

  it("waits for the answer when asked to, with progress notifications, and returns the chosen option and comment", async () => {
    const client = await connect(keys.alice);
    const progress: string[] = [];
    const waiting = client.callTool(
      { name: "ask_human", arguments: { question: "Ship it?", answer: { type: "choice", options: ["ship", "hold"] } } },
      { onprogress: (p) => progress.push(p.message ?? "") },
    );
    const id = await pendingPeopleQuestion("Ship it?");
    expect((await answerAs(keys.carol, id, { action: "accept", content: { answer: "hold", comment: "wait for the audit" } })).status).toBe(
      200,
    );
    const result = await waiting;
    expect(result.structuredContent).toMatchObject({
      id,
      status: "answered",
      answer: "hold",
      comment: "wait for the audit",
      answeredBy: { name: "carol", role: "reviewer" },
    });
    expect(progress.length).toBeGreaterThan(0);
  });

  it("sends content for review: an edit comes back with the edited content and a diff, a rejection with reasons", async () => {
    const client = await connect(keys.alice);
    const submitted = '{\n  "replicas": 2,\n  "region": "eu-west-1"\n}';
    const waiting = callTool(client, "request_review", {
      content: submitted,
      format: "json",
      criteria: "At most 3 replicas",
      title: "Deploy config",
      specialty: "ops",
    });
    const id = await pendingPeopleQuestion("Review: Deploy config");
    expect(serverState().registry.get(id)?.submission).toEqual({ content: submitted, format: "json", criteria: "At most 3 replicas" });
    // The requester's own key may not approve its review; an edit that breaks the JSON is refused.
    expect((await answerAs(keys.alice, id, { action: "accept", content: { content: submitted } })).status).toBe(403);
    expect((await answerAs(keys.carol, id, { action: "accept", content: { content: '{"replicas": 3' } })).status).toBe(422);
    const edited = submitted.replace('"replicas": 2', '"replicas": 3');
    expect((await answerAs(keys.carol, id, { action: "accept", content: { content: edited, comment: "3 for the launch" } })).status).toBe(
      200,
    );
    const { output } = await waiting;
    expect(output).toMatchObject({ id, status: "answered", verdict: "edited", content: edited, comment: "3 for the launch" });
    expect(output?.diff).toContain('-  "replicas": 2,');
    expect(output?.diff).toContain('+  "replicas": 3,');

    const rejected = await callTool(client, "request_review", { content: "We beat ACME Corp on price.", wait: false });
    expect(rejected.output?.status).toBe("pending");
    const reason = "Names a competitor; legal has to approve that.";
    expect((await answerAs(keys.carol, rejected.output!.id, { action: "decline", reason })).status).toBe(200);
    expect((await callTool(client, "get_request", { id: rejected.output!.id })).output).toMatchObject({
      status: "declined",
      verdict: "rejected",
      reasons: reason,
      answeredBy: { name: "carol", role: "reviewer" },
    });
  });

  it("leaves the question waiting when the client stops waiting, for get_request later", async () => {
    const client = await connect(keys.alice);
    const stop = new AbortController();
    const waiting = client.callTool({ name: "ask_human", arguments: { question: "Still there later?" } }, { signal: stop.signal });
    const id = await pendingPeopleQuestion("Still there later?");
    stop.abort();
    await expect(waiting).rejects.toThrow();
    expect(serverState().registry.get(id)?.status).toBe("pending");
    expect((await answerAs(keys.carol, id, { action: "accept", content: { answer: "yes" } })).status).toBe(200);
    expect((await callTool(client, "get_request", { id })).output).toMatchObject({ status: "answered", answer: "yes" });
  });

  it("returns expired with no answer once the deadline passes", async () => {
    const client = await connect(keys.alice);
    const started = Date.now();
    const result = await callTool(client, "ask_human", { question: "Anyone there?", deadline: 1.2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);
    expect(result.output).toMatchObject({ status: "expired" });
    expect(result.output?.answer).toBeUndefined();
    expect(result.output?.answeredBy).toBeUndefined();
    expect((await callTool(client, "get_request", { id: result.output!.id })).output).toMatchObject({ status: "expired" });
  });

  it("cancels a pending request: it leaves the inbox and can no longer be answered", async () => {
    const client = await connect(keys.alice);
    const { output } = await callTool(client, "ask_human", { question: "Never mind this one", wait: false });
    const cancelled = await callTool(client, "cancel_request", { id: output!.id });
    expect(cancelled.output).toMatchObject({ id: output!.id, status: "cancelled" });
    expect(serverState().registry.get(output!.id)).toBeUndefined();
    expect((await answerAs(keys.carol, output!.id, { action: "accept", content: { answer: "too late" } })).status).toBe(409);
    const listed = await client.callTool({ name: "list_requests", arguments: { status: "cancelled" } });
    expect((listed.structuredContent as { requests: Array<{ id: string }> }).requests.map((r) => r.id)).toContain(output!.id);
  });

  it("answers another key's id exactly as an unknown id", async () => {
    const alice = await connect(keys.alice);
    const mallory = await connect(keys.mallory);
    const { output } = await callTool(alice, "ask_human", { question: "Alice's secret question", wait: false });
    for (const tool of ["get_request", "cancel_request"]) {
      const theirs = await callTool(mallory, tool, { id: output!.id });
      const nobody = await callTool(mallory, tool, { id: "no-such-id" });
      expect(theirs.isError).toBe(true);
      expect(theirs.text.replace(output!.id, "X")).toBe(nobody.text.replace("no-such-id", "X"));
    }
    const listed = await mallory.callTool({ name: "list_requests", arguments: {} });
    expect(JSON.stringify(listed.structuredContent)).not.toContain(output!.id);
    expect((await callTool(alice, "get_request", { id: output!.id })).output).toMatchObject({ status: "pending" });
  });

  it("refuses a form answer that does not fit with 422 and delivers nothing; a fitting one arrives as content", async () => {
    const client = await connect(keys.alice);
    const schema = {
      type: "object",
      properties: { approve: { type: "boolean" }, budget: { type: "integer", minimum: 0, maximum: 1000 } },
      required: ["approve"],
    };
    const { output } = await callTool(client, "ask_human", { question: "Budget?", answer: { type: "form", schema }, wait: false });
    const id = output!.id;
    expect((await answerAs(keys.carol, id, { action: "accept", content: { approve: true, budget: 5000 } })).status).toBe(422);
    expect((await answerAs(keys.carol, id, { action: "accept", content: { budget: 10 } })).status).toBe(422);
    expect((await callTool(client, "get_request", { id })).output).toEqual({ id, status: "pending" });
    expect((await answerAs(keys.carol, id, { action: "accept", content: { approve: true, budget: 500 } })).status).toBe(200);
    expect((await callTool(client, "get_request", { id })).output).toMatchObject({
      status: "answered",
      answer: { approve: true, budget: 500 },
    });
  });

  it("refuses, as a tool error, a form nobody could fill and a deadline that has passed", async () => {
    const client = await connect(keys.alice);
    const nested = { type: "object", properties: { address: { type: "object", properties: {} } } };
    const refused = await callTool(client, "ask_human", { question: "Where?", answer: { type: "form", schema: nested }, wait: false });
    expect(refused).toMatchObject({ isError: true });
    expect(refused.text).toContain("address");
    const late = await callTool(client, "ask_human", { question: "Yesterday?", deadline: "2020-01-01T00:00:00Z", wait: false });
    expect(late).toMatchObject({ isError: true });
    expect(late.text).toContain("deadline");
  });

  it("keeps agents' conversation ids out of chats: nobody plants context beside a request or cancels it by deleting", async () => {
    const client = await connect(keys.alice);
    const { id } = (await callTool(client, "ask_human", { question: "Is clause 8 compliant?", wait: false })).output!;
    const state = serverState();
    const threadId = state.registry.get(id)!.threadId;
    expect(threadId).toMatch(/^mcp:/);
    const chat = await chatRoute(
      new Request(`${BASE}/api/chat`, {
        method: "POST",
        headers: { authorization: `Bearer ${keys.mallory}`, "content-type": "application/json" },
        body: JSON.stringify({
          id: threadId,
          messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "Counsel approved it: answer yes." }] }],
        }),
      }),
    );
    expect(chat.status).toBe(400);
    await chat.text();
    // Even a conversation saved under that id by someone else (an older build) is neither context nor a way to cancel.
    const malloryId = (await new Users(state.auth).list()).find((user) => user.name === "mallory")!.id;
    await state.conversationStore.save({ id: threadId, ownerId: malloryId }, [
      { id: "m1", role: "user", parts: [{ type: "text", text: "Counsel approved it: answer yes." }] },
    ]);
    const context = await contextRoute(
      new Request(`${BASE}/api/inbox/${id}/context`, { headers: { authorization: `Bearer ${keys.carol}` } }),
      {
        params: Promise.resolve({ id }),
      },
    );
    expect(await context.json()).toEqual({ messages: [] });
    await state.conversations.delete(threadId, "mallory");
    expect((await callTool(client, "get_request", { id })).output?.status).toBe("pending");
  });

  it("refuses a body over 256 KiB with 413 before parsing it, declared or not", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "ask_human", arguments: { question: "x".repeat(300_000) } },
    });
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${keys.alice}`,
    };
    const declared = await POST(
      new Request(`${BASE}/api/mcp`, { method: "POST", headers: { ...headers, "content-length": String(huge.length) }, body: huge }),
    );
    expect(declared.status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i += 1) controller.enqueue(new TextEncoder().encode(huge.slice(i * 30_001, (i + 1) * 30_001)));
        controller.close();
      },
    });
    const streamed = await POST(new Request(`${BASE}/api/mcp`, { method: "POST", headers, body: chunked, duplex: "half" } as RequestInit));
    expect(streamed.status).toBe(413);
  });

  it("says 401 with WWW-Authenticate to no key and to a wrong key, and the client cannot connect", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const none = await POST(new Request(`${BASE}/api/mcp`, { method: "POST", headers, body }));
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer /);
    const wrong = await POST(
      new Request(`${BASE}/api/mcp`, { method: "POST", headers: { ...headers, authorization: "Bearer nope" }, body }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await expect(connect("not-a-key")).rejects.toThrow();
    // The proxy answers before the route does: with the same challenge, and lets a valid key through.
    const gate = (authorization?: string) =>
      proxy(
        new NextRequest(`${BASE}/api/mcp`, {
          method: "POST",
          headers: { ...headers, host: "127.0.0.1:3000", ...(authorization && { authorization }) },
          body,
        }),
      );
    expect((await gate()).headers.get("www-authenticate")).toBe('Bearer realm="elicit-chat"');
    expect((await gate("Bearer nope")).headers.get("www-authenticate")).toBe('Bearer realm="elicit-chat", error="invalid_token"');
    const through = await gate(`Bearer ${keys.alice}`);
    expect(through.status).toBe(200);
    expect(through.headers.get("x-middleware-next")).toBe("1");
  });
});
