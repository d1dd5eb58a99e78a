/**
 * HumanRequests over a real registry and the in-memory store: answers as the agent gets them, endings without an
 * answer, a request left pending by a restart, and the formats and deadlines refused before anyone is asked.
 */
import { describe, expect, it } from "vitest";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { ReviewDesk } from "@/lib/review/review-desk";
import { parseRoutingFile } from "@/lib/review/routing-file";
import { validateContent } from "@/lib/elicitation/validate";
import { InvalidAskError, requestedSchemaOf } from "./answer-format";
import { deadlineOf } from "./deadline";
import { MemoryQuestionStore } from "@/lib/db/memory-stores";
import { CANCEL_NOTE, HumanRequests, LOST_NOTE, lookupOrStored } from "./human-requests";
import { MemoryHumanRequestStore } from "./request-store";

const alice = { id: "alice-id", name: "alice", role: "requester" as const };
const mallory = { id: "mallory-id", name: "mallory", role: "requester" as const };
const ROLES: Record<string, string> = { bob: "reviewer", carol: "admin" };

function setup(limits = {}) {
  const registry = new ElicitationRegistry(limits);
  const store = new MemoryHumanRequestStore();
  const requests = new HumanRequests({ registry, store, rolesOf: async (names) => names.map((name) => ROLES[name]) });
  return { registry, store, requests };
}

describe("HumanRequests", () => {
  it("opens a question for the people server as the key's user, and returns its answer with who gave it", async () => {
    const { registry, requests } = setup();
    const { request, done } = requests.ask(alice, { question: "Ship it?", specialty: "security", urgency: "high" });
    const card = registry.get(request.id);
    expect(card).toMatchObject({ serverName: "people", threadId: "mcp:alice-id", status: "pending" });
    expect(card?.message).toBe("Ship it?\n\nSpecialty: security · Urgency: high");
    expect(registry.requesterOf(request.id)).toBe("alice-id");
    registry.answer(request.id, { action: "accept", content: { answer: "not yet" } }, "bob and carol");
    expect(await done).toMatchObject({
      status: "answered",
      answer: "not yet",
      answeredBy: { name: "bob and carol", role: "reviewer, admin" },
    });
    expect(await requests.get(alice, request.id)).toMatchObject({ status: "answered", answer: "not yet" });
    expect(await requests.get(mallory, request.id)).toBeUndefined();
  });

  it("ends a declined question with who declined it and no answer; a cancelled one with the note", async () => {
    const { registry, requests } = setup();
    const declined = requests.ask(alice, { question: "Delete prod?" });
    registry.answer(declined.request.id, { action: "decline" }, "bob");
    const outcome = await declined.done;
    expect(outcome).toMatchObject({ status: "declined", answeredBy: { name: "bob", role: "reviewer" } });
    expect(outcome.answer).toBeUndefined();

    const dismissed = requests.ask(alice, { question: "Spam?" });
    registry.answer(dismissed.request.id, { action: "cancel" }, "bob");
    expect(await dismissed.done).toMatchObject({ status: "cancelled", note: "bob dismissed it without an answer" });

    const withdrawn = requests.ask(alice, { question: "Never mind" });
    expect(await requests.cancel(mallory, withdrawn.request.id)).toBeUndefined();
    expect(await requests.cancel(alice, withdrawn.request.id)).toMatchObject({ status: "cancelled", note: CANCEL_NOTE });
    // Cancelling what already ended changes nothing.
    expect(await requests.cancel(alice, declined.request.id)).toMatchObject({ status: "declined" });
  });

  it("gives a question nobody answers by the deadline no answer", async () => {
    const { requests } = setup();
    const { done } = requests.ask(alice, { question: "Anyone?", deadline: 1.05 });
    const outcome = await done;
    expect(outcome).toMatchObject({ status: "expired", note: "nobody answered in time" });
    expect(outcome.answer).toBeUndefined();
    expect(outcome.answeredBy).toBeUndefined();
  });

  it("counts an agent's waiting questions against the per-conversation limit", async () => {
    const { requests, store } = setup({ perConversation: 2 });
    requests.ask(alice, { question: "one" });
    requests.ask(alice, { question: "two" });
    // Refused as it is asked, and nothing kept of it.
    expect(() => requests.ask(alice, { question: "three" })).toThrow(/Not asked: .*2 questions/);
    expect((await store.list(alice.id)).map((r) => r.question).sort()).toEqual(["one", "two"]);
    expect(requests.ask(mallory, { question: "mine" }).request.status).toBe("pending");
  });

  it("says expired, with why, for a request stored as pending that no question holds any more (a restart)", async () => {
    const { store, requests } = setup();
    await store.save({
      id: "from-before",
      requesterId: "alice-id",
      question: "Asked before the restart",
      answerFormat: { type: "text" },
      urgency: "normal",
      status: "pending",
      createdAt: Date.now() - 1000,
      deadlineAt: Date.now() + 60_000,
    });
    expect(await requests.get(alice, "from-before")).toMatchObject({ status: "expired", note: LOST_NOTE });
    expect(await requests.list(alice, "pending")).toEqual([]);
    expect((await requests.list(alice, "expired")).map((r) => r.id)).toEqual(["from-before"]);
  });
});

describe("answer formats", () => {
  it("asks for text in one required field, and a choice as an enum with an optional comment", () => {
    const text = requestedSchemaOf({ type: "text" });
    expect(validateContent(text, {})).toEqual([{ field: "answer", message: "is required" }]);
    expect(validateContent(text, { answer: "yes" })).toEqual([]);
    const choice = requestedSchemaOf({ type: "choice", options: ["ship", "hold"] });
    expect(validateContent(choice, { answer: "maybe" })).toEqual([{ field: "answer", message: "must be one of the offered choices" }]);
    expect(validateContent(choice, { answer: "hold", comment: "after the audit" })).toEqual([]);
  });

  it("refuses options given twice, forms with fields a reviewer cannot fill, and required fields that do not exist", () => {
    expect(() => requestedSchemaOf({ type: "choice", options: ["a", "a"] })).toThrow(InvalidAskError);
    const form = (properties: Record<string, { type?: string }>, required?: string[]) =>
      requestedSchemaOf({ type: "form", schema: { type: "object", properties, ...(required && { required }) } });
    expect(() => form({})).toThrow(/at least one field/);
    expect(() => form({ where: { type: "object" } })).toThrow(/where: not a field/);
    expect(() => form({ ok: { type: "boolean" } }, ["ok", "why"])).toThrow(/required names no field: why/);
    expect(form({ ok: { type: "boolean" } }, ["ok"])).toMatchObject({ required: ["ok"] });
    // Rules the card would never show: a regular expression, a fixed value, a negation, options with extra rules.
    expect(() => form({ why: { type: "string", pattern: "^(\\w+\\s?)*$" } as never })).toThrow(/why\.pattern: not an elicitation keyword/);
    expect(() => form({ ok: { type: "string", const: "approve" } as never })).toThrow(/ok\.const/);
    expect(() => form({ ok: { type: "string", not: { enum: ["no"] } } as never })).toThrow(/ok\.not/);
    expect(() => form({ pick: { type: "string", oneOf: [{ const: "a", title: "A", pattern: "x" }] } as never })).toThrow(
      /pick\.<option>\.pattern/,
    );
    expect(
      form({
        tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, minItems: 1 },
        level: {
          type: "string",
          oneOf: [
            { const: "lo", title: "Low" },
            { const: "hi", title: "High" },
          ],
          default: "lo",
        },
      } as never),
    ).toMatchObject({ type: "object" });
  });
});

describe("deadlines", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("takes seconds from now or an ISO 8601 time, an hour by default", () => {
    expect(deadlineOf(90, now)).toBe(now + 90_000);
    expect(deadlineOf("2026-01-01T02:00:00Z", now)).toBe(now + 2 * 3_600_000);
    expect(deadlineOf(undefined, now)).toBe(now + 3_600_000);
  });
  it("refuses a time that does not parse, has passed, or is more than 7 days away", () => {
    expect(() => deadlineOf("tomorrow-ish", now)).toThrow(/neither an ISO 8601 time/);
    expect(() => deadlineOf("2025-12-31T00:00:00Z", now)).toThrow(/has passed/);
    expect(() => deadlineOf(8 * 24 * 3600, now)).toThrow(/7 days/);
  });

  it("carries the specialty on the card, where a routing rule sends it to the experts", async () => {
    const { registry, requests } = setup();
    const file = parseRoutingFile(
      JSON.stringify({
        groups: { sec: ["erin"] },
        rules: [{ match: { server: "people", specialty: "security" }, routeTo: ["sec"], requesterMayAnswer: false }],
      }),
      "routing.json",
    );
    const desk = new ReviewDesk({ registry, rules: { current: () => file } });
    const { request: asked } = requests.ask(alice, { question: "Is this clause compliant?", specialty: "Security" });
    expect(registry.get(asked.id)).toMatchObject({ specialty: "Security", review: { routedTo: ["sec"], requesterMayAnswer: false } });
    const erin = { id: "erin-id", name: "erin", role: "reviewer" as const };
    expect(desk.inbox(erin).map((item) => item.data.id)).toEqual([asked.id]);
    const { request: other } = requests.ask(alice, { question: "Can we ship on Friday?", specialty: "legal" });
    expect(registry.get(other.id)?.review).toBeUndefined();
    desk.close();
  });
});

describe("after a restart", () => {
  /** A new process: a fresh registry over the same request store, given what the questions table kept. */
  function restart(store: MemoryHumanRequestStore) {
    const registry = new ElicitationRegistry();
    return { registry, requests: new HumanRequests({ registry, store, nameOf: async () => "alice" }) };
  }

  it("shows a waiting request again, with its id and deadline, and delivers the answer given after it", async () => {
    const before = setup();
    const { request } = before.requests.ask(alice, { question: "Still there?", specialty: "security", deadline: 600 });
    const kept = before.registry.get(request.id)!;
    expect(kept.kept).toBe(true);

    const after = restart(before.store);
    await after.requests.restore([{ data: kept, requesterId: alice.id }]);
    expect(after.registry.get(request.id)).toMatchObject({ status: "pending", expiresAt: kept.expiresAt, specialty: "security" });
    expect(after.registry.requesterOf(request.id)).toBe(alice.id);
    after.registry.answer(request.id, { action: "accept", content: { answer: "yes, after the restart" } }, "bob");
    await expect.poll(async () => (await after.requests.get(alice, request.id))?.status).toBe("answered");
    expect(await after.requests.get(alice, request.id)).toMatchObject({ answer: "yes, after the restart" });
  });

  it("expires a request whose deadline passed while the app was down, and never shows one already settled", async () => {
    const before = setup();
    const late = before.requests.ask(alice, { question: "Too late?", deadline: 600 });
    const settled = before.requests.ask(alice, { question: "Answered before?" });
    const lateCard = { ...before.registry.get(late.request.id)!, expiresAt: Date.now() - 1 };
    const settledCard = before.registry.get(settled.request.id)!;
    before.registry.answer(settled.request.id, { action: "decline" }, "bob");
    await settled.done;

    const after = restart(before.store);
    await after.requests.restore([
      { data: lateCard, requesterId: alice.id },
      { data: settledCard, requesterId: alice.id },
    ]);
    await expect.poll(async () => (await after.requests.get(alice, late.request.id))?.status).toBe("expired");
    expect(after.registry.listPending()).toEqual([]);
    expect(await after.requests.get(alice, settled.request.id)).toMatchObject({ status: "declined" });
  });
});

describe("with several instances", () => {
  it("waits for a settlement another instance is writing instead of calling the request lost", async () => {
    const { registry, store } = setup();
    const here = new HumanRequests({
      registry: new ElicitationRegistry(),
      store,
      // The question was answered on the instance that held it a moment ago; its write is on the way.
      lookup: async (id) => ({ settled: { id, status: "accepted", answeredAt: Date.now() } }),
    });
    const holder = new HumanRequests({ registry, store });
    const { request } = holder.ask(alice, { question: "Held elsewhere?" });
    await store.save(request);
    const read = here.get(alice, request.id);
    setTimeout(() => registry.answer(request.id, { action: "accept", content: { answer: "yes" } }, "bob"), 200);
    expect(await read).toMatchObject({ status: "answered", answer: "yes" });
  });

  it("keeps a request pending that another instance holds and this one has not heard of, and delivers its answer", async () => {
    const { registry, store } = setup();
    const questions = new MemoryQuestionStore();
    registry.observe((event) => void questions.record(event.data, event.requesterId));
    const holder = new HumanRequests({ registry, store });
    const { request, done } = holder.ask(alice, { question: "Held on the other instance" });
    // This instance knows nothing of it (Redis away, or the news on its way): storage says it is pending.
    const here = new HumanRequests({
      registry: new ElicitationRegistry(),
      store,
      lookup: lookupOrStored(
        async () => undefined,
        (id) => questions.get(id),
      ),
    });
    expect(await here.get(alice, request.id)).toMatchObject({ status: "pending" });
    registry.answer(request.id, { action: "accept", content: { answer: "yes, ship" } }, "bob");
    await done;
    expect(await here.get(alice, request.id)).toMatchObject({ status: "answered", answer: "yes, ship" });
  });

  it("asks the holding instance to withdraw a request it cannot end here", async () => {
    const { registry, store } = setup();
    const holder = new HumanRequests({ registry, store });
    const { request } = holder.ask(alice, { question: "Withdraw me" });
    const asked: string[] = [];
    const here = new HumanRequests({
      registry: new ElicitationRegistry(),
      store,
      lookup: async (id) => registry.lookup(id),
      withdrawElsewhere: async (id, requesterId) => {
        asked.push(`${id}:${requesterId}`);
        holder.withdraw(id, requesterId);
      },
    });
    expect(await here.cancel(alice, request.id)).toMatchObject({ status: "cancelled", note: CANCEL_NOTE });
    expect(asked).toEqual([`${request.id}:alice-id`]);
  });
});
