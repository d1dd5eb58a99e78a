import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { ElicitationRegistry, type OpenElicitation, type Settlement } from "@/lib/elicitation/registry";
import { ApiError } from "@/lib/errors";
import { inboxEventSchema, type InboxEvent } from "./inbox-contract";
import { inboxEventStream } from "./inbox-stream";
import type { ReviewEvent } from "./desk-contract";
import { ReviewDesk } from "./review-desk";
import { parseRoutingFile, type RoutingFile } from "./routing-file";

const person = (id: string, role: Principal["role"] = "reviewer"): Principal => ({ id, name: id, role });
const alice = person("alice", "requester");
const bob = person("bob");
const carol = person("carol");
const dana = person("dana", "admin");
const mallory = person("mallory", "requester");

const ROUTING = {
  groups: { ops: ["bob", "carol"], leads: ["erin"] },
  rules: [
    { match: { commandPrefix: "rm" }, routeTo: ["ops"], approvals: 2, requesterMayAnswer: false },
    { match: { commandPrefix: "deploy" }, routeTo: ["ops"], deadline: { after: "10m", escalateTo: ["leads"] } },
    { match: { server: "db" }, routeTo: ["ops"] },
  ],
};

let registry: ElicitationRegistry;
let desk: ReviewDesk;
let rules: RoutingFile;
let cards: ElicitationData[];

function ask(overrides: Partial<OpenElicitation> = {}) {
  return registry.open({
    threadId: "t1",
    requesterId: "alice",
    serverName: "shell",
    message: "Run it?",
    requestedSchema: { type: "object", properties: {} },
    command: "rm -rf build",
    risk: "deletes files: rm -rf build",
    timeoutMs: 3_600_000,
    onChange: (data) => cards.push(data),
    ...overrides,
  });
}

async function status(promise: Promise<unknown>): Promise<number | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

beforeEach(() => {
  registry = new ElicitationRegistry();
  rules = parseRoutingFile(JSON.stringify(ROUTING), "routing.json");
  desk = new ReviewDesk({ registry, rules: { current: () => rules } });
  cards = [];
});
afterEach(() => {
  desk.close();
  vi.useRealTimers();
});

describe("routing a question", () => {
  it("puts the routing on the card before anyone sees it", () => {
    const { data } = ask();
    expect(cards[0]?.review).toEqual({ routedTo: ["ops"], approvalsNeeded: 2, approvals: [], requesterMayAnswer: false, escalated: false });
    expect(data.review?.routedTo).toEqual(["ops"]);
  });

  it("leaves a question no rule matches to its requester, as without a file", async () => {
    const { data, settled } = ask({ command: "ls", risk: undefined });
    expect(data.review).toBeUndefined();
    expect((await desk.answer(data.id, { action: "accept" }, bob)).kind).toBe("not_found");
    expect(await desk.answer(data.id, { action: "accept" }, alice)).toMatchObject({ kind: "answered" });
    await expect(settled).resolves.toMatchObject({ action: "accept" });
  });

  it("gives an agent's request no rule routes to every reviewer and admin, and never to its asker", async () => {
    const { data } = ask({ serverName: "people", command: undefined, risk: undefined, requesterId: "alice" });
    expect(data.review).toBeUndefined();
    expect(desk.inbox(bob).map((item) => [item.data.id, item.mayAnswer])).toEqual([[data.id, true]]);
    expect(desk.inbox(mallory)).toEqual([]);
    expect((await desk.answer(data.id, { action: "accept" }, alice)).kind).toBe("forbidden");
    expect((await desk.answer(data.id, { action: "accept" }, mallory)).kind).toBe("not_found");
    expect(await desk.answer(data.id, { action: "decline" }, dana)).toMatchObject({ kind: "answered" });
    // Who answered may still look it up once it ended.
    expect(await desk.visible(data.id, bob)).toBeDefined();
  });

  it("never lets an agent answer its own request, even when its rule would let a requester answer", async () => {
    rules = parseRoutingFile(
      JSON.stringify({ groups: { ops: ["bob"] }, rules: [{ match: { server: "people" }, routeTo: ["ops"], requesterMayAnswer: true }] }),
      "routing.json",
    );
    const { data } = ask({ serverName: "people", command: undefined, risk: undefined });
    expect((await desk.answer(data.id, { action: "accept" }, alice)).kind).toBe("forbidden");
    expect((await desk.answer(data.id, { action: "accept" }, carol)).kind).toBe("not_found");
    expect(await desk.answer(data.id, { action: "accept" }, bob)).toMatchObject({ kind: "answered" });
  });

  it("tells listeners whom a question was routed to, with its deep link", () => {
    const events: ReviewEvent[] = [];
    desk.onEvent((event) => events.push(event));
    const { data } = ask();
    expect(events).toEqual([
      expect.objectContaining({
        type: "routed",
        questionId: data.id,
        to: ["ops"],
        users: ["bob", "carol"],
        link: `/inbox?question=${data.id}`,
      }),
    ]);
  });

  it("cancels a question it cannot route rather than leaving it unrouted", () => {
    desk.close();
    registry.routeWith(() => {
      throw new Error("broken");
    });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { data } = ask();
    expect(registry.lookup(data.id)).toMatchObject({ settled: { status: "cancelled" } });
  });
});

describe("four eyes", () => {
  it("needs two different approvers; the same person twice counts once", async () => {
    const { data, settled } = ask();
    expect(await desk.answer(data.id, { action: "accept", content: {} }, bob)).toMatchObject({ kind: "partial" });
    expect(await desk.answer(data.id, { action: "accept", content: {} }, bob)).toMatchObject({
      kind: "partial",
      approval: { review: { approvals: [{ by: "bob" }] } },
    });
    expect(cards.at(-1)?.review?.approvals.map((a) => a.by)).toEqual(["bob"]);
    expect(registry.get(data.id)?.status).toBe("pending");
    expect(await desk.answer(data.id, { action: "accept", content: {} }, carol)).toMatchObject({
      kind: "answered",
      outcome: { status: "accepted", answeredBy: "bob and carol" },
    });
    await expect(settled).resolves.toMatchObject({ action: "accept" });
    expect(cards.at(-1)).toMatchObject({ status: "accepted", answeredBy: "bob and carol" });
  });

  it("refuses the requester under requesterMayAnswer: false with 403, even when they are in the group", async () => {
    rules = parseRoutingFile(
      JSON.stringify({
        groups: { ops: ["alice", "bob", "carol"] },
        rules: [{ routeTo: ["ops"], approvals: 2, requesterMayAnswer: false }],
      }),
      "routing.json",
    );
    const { data } = ask();
    expect((await desk.answer(data.id, { action: "accept", content: {} }, alice)).kind).toBe("forbidden");
    expect((await desk.answer(data.id, { action: "cancel" }, alice)).kind).toBe("forbidden");
    await desk.answer(data.id, { action: "accept", content: {} }, bob);
    expect(registry.get(data.id)?.review?.approvals.map((a) => a.by)).toEqual(["bob"]);
  });

  it("settles at once on one approver's decline", async () => {
    const { data, settled } = ask();
    await desk.answer(data.id, { action: "accept", content: {} }, bob);
    expect(await desk.answer(data.id, { action: "decline" }, carol)).toMatchObject({
      kind: "answered",
      outcome: { status: "declined", answeredBy: "carol" },
    });
    await expect(settled).resolves.toEqual({ action: "decline" } satisfies Settlement);
  });

  it("starts the count again when an approver accepts a different (edited) answer", async () => {
    const { data, settled } = ask();
    await desk.answer(data.id, { action: "accept", content: { command: "rm -rf build" } }, bob);
    const edited = await desk.answer(data.id, { action: "accept", content: { command: "rm -rf build/tmp" } }, carol);
    expect(edited).toMatchObject({ kind: "partial", approval: { review: { approvals: [{ by: "carol" }] } } });
    await desk.answer(data.id, { action: "accept", content: { command: "rm -rf build/tmp" } }, bob);
    await expect(settled).resolves.toEqual({ action: "accept", content: { command: "rm -rf build/tmp" } });
  });

  it("checks an accept only after deciding who may answer", async () => {
    const { data } = ask();
    const check = vi.fn(() => {
      throw new ApiError("invalid_content", "no");
    });
    expect((await desk.answer(data.id, { action: "accept" }, mallory, check)).kind).toBe("not_found");
    expect(check).not.toHaveBeenCalled();
    expect(await status(desk.answer(data.id, { action: "accept" }, bob, check))).toBe(422);
  });
});

describe("who sees what", () => {
  it("answers 404 to a stranger and 403 to someone who may see but not answer; admins see but do not answer", async () => {
    const { data } = ask();
    expect((await desk.answer(data.id, { action: "decline" }, mallory)).kind).toBe("not_found");
    expect((await desk.answer(data.id, { action: "decline" }, dana)).kind).toBe("forbidden");
    expect((await desk.answer("no-such-id", { action: "decline" }, bob)).kind).toBe("not_found");
    expect(await desk.visible(data.id, mallory)).toBeUndefined();
    expect(await desk.visible(data.id, alice)).toBeDefined();
    expect(await desk.visible(data.id, dana)).toBeDefined();
    expect(desk.pendingIn("t1", mallory)).toEqual([]);
    expect(desk.pendingIn("t1", bob).map((d) => d.id)).toEqual([data.id]);
  });

  it("keeps a settled question's 404 for strangers, and shows its outcome to those who may see it", async () => {
    const { data } = ask({ command: "deploy prod" });
    await desk.answer(data.id, { action: "decline" }, bob);
    expect(await desk.visible(data.id, mallory)).toBeUndefined();
    expect((await desk.answer(data.id, { action: "decline" }, mallory)).kind).toBe("not_found");
    expect(await desk.answer(data.id, { action: "accept" }, carol)).toMatchObject({ kind: "conflict", outcome: { status: "declined" } });
  });

  it("lists in an inbox what its owner may answer; admins see everything, read-only", () => {
    const routed = ask().data;
    const own = ask({ command: "ls", risk: undefined }).data;
    expect(desk.inbox(bob).map((i) => i.data.id)).toEqual([routed.id]);
    expect(desk.inbox(alice).map((i) => i.data.id)).toEqual([own.id]);
    expect(desk.inbox(mallory)).toEqual([]);
    expect(desk.inbox(dana).map((i) => [i.data.id, i.mayAnswer])).toEqual([
      [routed.id, false],
      [own.id, false],
    ]);
  });
});

describe("deadlines", () => {
  it("escalates at the deadline: its escalateTo may answer, the card says so, listeners hear it", async () => {
    vi.useFakeTimers();
    const events: ReviewEvent[] = [];
    desk.onEvent((event) => events.push(event));
    const { data } = ask({ command: "deploy prod", risk: undefined });
    const erin = person("erin");
    expect(data.review?.deadlineAt).toBe(data.createdAt + 600_000);
    expect((await desk.answer(data.id, { action: "decline" }, erin)).kind).toBe("not_found");

    vi.advanceTimersByTime(599_999);
    expect(registry.get(data.id)?.review?.escalated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(cards.at(-1)?.review).toMatchObject({ escalated: true, routedTo: ["ops", "leads"] });
    expect(events.at(-1)).toMatchObject({
      type: "escalated",
      questionId: data.id,
      to: ["leads"],
      users: ["erin"],
      link: `/inbox?question=${data.id}`,
    });
    expect(desk.inbox(erin).map((i) => i.data.id)).toEqual([data.id]);
    expect(await desk.answer(data.id, { action: "decline" }, erin)).toMatchObject({ kind: "answered" });
  });

  it("still expires at the question's own timeout, and does not escalate a settled question", () => {
    vi.useFakeTimers();
    const events: ReviewEvent[] = [];
    desk.onEvent((event) => events.push(event));
    const late = ask({ command: "deploy prod", risk: undefined, timeoutMs: 60_000 });
    vi.advanceTimersByTime(60_000);
    expect(registry.lookup(late.data.id)).toMatchObject({ settled: { status: "expired" } });
    vi.advanceTimersByTime(600_000);
    expect(events.map((e) => e.type)).toEqual(["routed"]);
  });
});

describe("the inbox stream", () => {
  async function reader(principal: Principal) {
    const abort = new AbortController();
    const stream = inboxEventStream(desk, principal, abort.signal, 50);
    const reading = stream.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const next = async (): Promise<InboxEvent> => {
      for (;;) {
        const frames = buffer.split("\n\n");
        while (frames.length > 1) {
          const frame = frames.shift() ?? "";
          buffer = frames.join("\n\n");
          if (frame.startsWith("data: ")) return inboxEventSchema.parse(JSON.parse(frame.slice(6)));
        }
        const { value, done } = await reading.read();
        if (done) throw new Error("the stream ended");
        buffer += decoder.decode(value);
      }
    };
    return { next, abort, reading };
  }

  it("sends a snapshot, then a new question and its settlement, only to those it concerns", async () => {
    const before = ask().data;
    const bobs = await reader(bob);
    const strangers = await reader(mallory);
    expect(await bobs.next()).toMatchObject({ type: "snapshot", items: [{ data: { id: before.id } }] });
    expect(await strangers.next()).toEqual({ type: "snapshot", items: [] });

    const { data } = ask({ command: "rm x" });
    expect(await bobs.next()).toMatchObject({ type: "upsert", item: { data: { id: data.id }, mayAnswer: true } });
    await desk.answer(data.id, { action: "decline" }, carol);
    expect(await bobs.next()).toMatchObject({ type: "remove", id: data.id, data: { status: "declined", answeredBy: "carol" } });

    // The stranger heard nothing of either: the next thing on their stream is the heartbeat, then the end.
    strangers.abort.abort();
    const rest = await strangers.reading.read();
    expect(rest.done || new TextDecoder().decode(rest.value).startsWith(":")).toBe(true);
    bobs.abort.abort();
  });

  it("stops listening when the request goes away", async () => {
    const listeners = () => (desk as unknown as { changeListeners: Set<unknown> }).changeListeners.size;
    const one = await reader(bob);
    await one.next();
    expect(listeners()).toBe(1);
    one.abort.abort();
    expect(listeners()).toBe(0);
    expect((await one.reading.read()).done).toBe(true);
  });
});

describe("requesters' names", () => {
  it("shows who asked by name once known, and says so to inboxes showing it", async () => {
    desk.close();
    desk = new ReviewDesk({ registry, rules: { current: () => rules }, nameOf: async (id) => (id === "alice" ? "Alice" : undefined) });
    const seen: string[] = [];
    desk.onChange((change) => seen.push(desk.inboxItem(bob, change)?.requesterName ?? "-"));
    ask();
    expect(seen).toEqual(["alice"]);
    await vi.waitFor(() => expect(seen).toEqual(["alice", "Alice"]));
    expect(desk.inbox(bob)[0]?.requesterName).toBe("Alice");
  });
});

describe("rules that match the requester", () => {
  it("match the requester's name (ids are opaque once people sign in), and not another person's", () => {
    rules = parseRoutingFile(
      JSON.stringify({ groups: { ops: ["bob"] }, rules: [{ match: { requester: "alice" }, routeTo: ["ops"], requesterMayAnswer: false }] }),
      "routing.json",
    );
    const fromAlice = ask({ requesterId: "u-7f3a", requesterName: "alice", command: "ls" });
    expect(fromAlice.data.review?.routedTo).toEqual(["ops"]);
    const fromMallory = ask({ requesterId: "u-9b1c", requesterName: "mallory", command: "ls" });
    expect(fromMallory.data.review).toBeUndefined();
  });
});
