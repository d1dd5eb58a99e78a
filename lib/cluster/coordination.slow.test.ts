/**
 * Two instances in one process, each with its own registry, review desk and Redis connections, on one real Redis and
 * one database: what one holds, the other shows and answers (relayed to the holder, first answer wins, once); a dead
 * instance's questions expire on the other; Redis going away cancels what could no longer be answered elsewhere,
 * and coming back needs no restart; a turn running on one is followed from the other.
 */
import { createHmac } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_PRINCIPAL } from "@/lib/auth/principal";
import { ChatTurns } from "@/lib/chat/turns";
import { SqlQuestionStore } from "@/lib/db/question-store";
import { checkAccept } from "@/lib/elicitation/check-accept";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { ReviewDesk } from "@/lib/review/review-desk";
import type { ReviewEvent } from "@/lib/review/desk-contract";
import { parseRoutingFile } from "@/lib/review/routing-file";
import { noRouting, type RoutingRules } from "@/lib/review/routing-source";
import { haveRedis, startRedis, type TestRedis } from "@/testing/redis";
import { createTestStorage, type TestStorage } from "@/testing/test-storage";
import { COORDINATION_LOST_NOTE, createCoordination, type Coordination } from "./coordination";
import { INSTANCE_GONE_NOTE } from "./liveness";

const TIMINGS = { beatMs: 100, ttlMs: 400 };
const SECRET = "a-secret-every-instance-shares-0123456789";

interface Instance {
  id: string;
  registry: ElicitationRegistry;
  review: ReviewDesk;
  turns: ChatTurns;
  questions: SqlQuestionStore;
  coordination: Coordination;
}

describe.skipIf(!haveRedis())("several instances on Redis", () => {
  let redis: TestRedis;
  let storage: TestStorage;
  const running: Instance[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    storage = await createTestStorage();
  });
  afterEach(async () => {
    for (const instance of running.splice(0)) await instance.coordination.close();
  });
  afterAll(async () => {
    await redis.stop();
    await storage.close();
  });

  async function startInstance(id: string, rules: RoutingRules = noRouting): Promise<Instance> {
    const registry = new ElicitationRegistry();
    const turns = new ChatTurns();
    const questions = new SqlQuestionStore(storage.database, storage.writes, id);
    registry.observe((event) => void questions.record(event.data, event.requesterId));
    const coordination = createCoordination(
      { instanceId: id, redisUrl: redis.url, secret: SECRET },
      { registry, turns, questions, timings: TIMINGS },
    );
    const review = new ReviewDesk({ registry, rules, remote: coordination.remote, holds: () => coordination.holds() });
    await coordination.start({
      answer: async (questionId, answer, principal) => {
        const check = (pending: ElicitationData) => checkAccept(pending, answer);
        const result = await review.answer(questionId, answer, principal, check, { relayed: true });
        await storage.writes.idle();
        return result;
      },
      stop: (runId, ownerId) => turns.get(runId)?.ownerId === ownerId && turns.get(runId)?.stop("stopped by the person"),
      withdraw: (questionId, requesterId) => {
        if (registry.requesterOf(questionId) === requesterId) registry.end(questionId, "cancelled", "withdrawn", "aborted");
      },
      adopted: async () => {},
    });
    const instance = { id, registry, review, turns, questions, coordination };
    running.push(instance);
    return instance;
  }

  function ask(instance: Instance, threadId = "c1") {
    return instance.registry.open({
      threadId,
      serverName: "shell",
      message: "Run `rm -rf build`?",
      requestedSchema: { type: "object", properties: { reason: { type: "string" } } },
      command: "rm -rf build",
      timeoutMs: 60_000,
      onChange: () => {},
    });
  }

  /** An agent's request to the team (/api/mcp), kept in storage as HumanRequests asks it. */
  function askAsAgent(instance: Instance) {
    return instance.registry.open({
      threadId: "mcp:agent",
      requesterId: "agent",
      serverName: "people",
      message: "Ship it?",
      requestedSchema: { type: "object", properties: {} },
      timeoutMs: 60_000,
      kept: {},
      onChange: () => {},
    });
  }

  async function until<T>(read: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("shows a question held by A in B's inbox, and B's answer settles it on A, once", async () => {
    const a = await startInstance("a1");
    const b = await startInstance("b1");
    const { data, settled } = ask(a);
    await until(() => b.review.inbox(LOCAL_PRINCIPAL).find((item) => item.data.id === data.id), "the question in B's inbox");
    expect(b.review.pendingIn("c1", LOCAL_PRINCIPAL).map((q) => q.id)).toEqual([data.id]);

    const bad = b.review.answer(data.id, { action: "accept", content: { reason: 7 as never } }, LOCAL_PRINCIPAL);
    await expect(bad).rejects.toMatchObject({ code: "invalid_content" });
    const first = await b.review.answer(data.id, { action: "accept", content: { reason: "ok" } }, LOCAL_PRINCIPAL);
    expect(first).toMatchObject({ kind: "answered", outcome: { status: "accepted" } });
    await expect(settled).resolves.toMatchObject({ action: "accept", content: { reason: "ok" } });
    await until(() => !b.review.inbox(LOCAL_PRINCIPAL).some((item) => item.data.id === data.id), "it to leave B's inbox");
    expect(await b.review.lookup(data.id)).toMatchObject({ settled: { status: "accepted" } });
  });

  it("withdraws a request A holds when its requester cancels on B; anyone else's cancel does nothing", async () => {
    const a = await startInstance("a-withdraw");
    const b = await startInstance("b-withdraw");
    const { data, settled } = askAsAgent(a);
    await until(() => b.coordination.remote?.get(data.id), "the question mirrored on B");
    await b.coordination.withdraw(data.id, "mallory");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.registry.get(data.id)?.status).toBe("pending");
    await b.coordination.withdraw(data.id, "agent");
    await expect(settled).resolves.toMatchObject({ action: "cancel" });
    expect(a.registry.lookup(data.id)).toMatchObject({ settled: { status: "cancelled", note: "withdrawn" } });
  });

  it("routes, escalates and counts four eyes once, on the instance holding the question", async () => {
    const file = parseRoutingFile(
      JSON.stringify({
        groups: { ops: ["bob", "carol"] },
        rules: [{ routeTo: ["ops"], approvals: 2, requesterMayAnswer: false, deadline: { after: "1s", escalateTo: ["erin"] } }],
      }),
      "routing.json",
    );
    const rules = { current: () => file };
    const a = await startInstance("a7", rules);
    const b = await startInstance("b7", rules);
    const events: Array<{ on: string; type: ReviewEvent["type"] }> = [];
    a.review.onEvent((event) => events.push({ on: "a", type: event.type }));
    b.review.onEvent((event) => events.push({ on: "b", type: event.type }));
    const { data, settled } = ask(a);
    const erin = { id: "erin", name: "erin", role: "reviewer" as const };
    await until(() => b.review.inbox(erin).find((item) => item.mayAnswer), "the escalated question in erin's inbox on B", 5_000);
    expect(events).toEqual([
      { on: "a", type: "routed" },
      { on: "a", type: "escalated" },
    ]);

    const bob = { id: "bob", name: "bob", role: "reviewer" as const };
    const carol = { id: "carol", name: "carol", role: "reviewer" as const };
    const accept = { action: "accept" as const, content: { reason: "fine" } };
    // Neither routed to nor its requester: on the other instance too, the question does not exist for them.
    const mallory = { id: "mallory", name: "mallory", role: "requester" as const };
    expect(await b.review.answer(data.id, accept, mallory)).toMatchObject({ kind: "not_found" });
    expect(await b.review.answer(data.id, accept, bob)).toMatchObject({ kind: "partial" });
    // The same person again, on the other instance: still one approval of two.
    expect(await a.review.answer(data.id, accept, bob)).toMatchObject({ kind: "partial" });
    expect(await b.review.answer(data.id, accept, carol)).toMatchObject({ kind: "answered" });
    await expect(settled).resolves.toMatchObject({ action: "accept" });
  });

  it("takes an answer that reaches B before the news of its question does", async () => {
    const a = await startInstance("a11");
    const b = await startInstance("b11");
    const { data, settled } = ask(a);
    // At once: the card reached the person through A; B has not heard of it yet.
    expect(await b.review.answer(data.id, { action: "decline" }, LOCAL_PRINCIPAL)).toMatchObject({ kind: "answered" });
    await expect(settled).resolves.toMatchObject({ action: "decline" });
    // An id nobody asked is still unknown, after the same short wait.
    expect(await b.review.answer("no-such-question", { action: "decline" }, LOCAL_PRINCIPAL)).toMatchObject({ kind: "not_found" });
  });

  it("lets exactly one of 100 concurrent answers, split across both instances, win", async () => {
    const a = await startInstance("a2");
    const b = await startInstance("b2");
    const { data } = ask(a);
    await until(() => b.coordination.remote?.get(data.id), "B to mirror the question");
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).review.answer(data.id, { action: "decline" }, LOCAL_PRINCIPAL).catch((error) => error),
      ),
    );
    const kinds = results.map((result) => (result as { kind?: string }).kind);
    expect(kinds.filter((kind) => kind === "answered")).toHaveLength(1);
    // Every loser, on either instance, hears how it ended: never "no such request".
    expect(kinds.filter((kind) => kind === "conflict")).toHaveLength(99);
  });

  it("works once Redis comes up, for instances that started while it was away", async () => {
    await redis.kill();
    const [a, b] = await Promise.all([startInstance("a8"), startInstance("b8")]);
    expect(a.coordination.status()).toBe("redis-down");
    await redis.start();
    await until(() => a.coordination.status() === "redis-up" && b.coordination.status() === "redis-up", "both to connect", 10_000);
    const { data, settled } = ask(a);
    await until(() => b.coordination.remote?.get(data.id), "B to mirror the question");
    expect(await b.review.answer(data.id, { action: "decline" }, LOCAL_PRINCIPAL)).toMatchObject({ kind: "answered" });
    await expect(settled).resolves.toMatchObject({ action: "decline" });
  });

  it("takes nothing over from a live instance after Redis restarts empty", async () => {
    const a = await startInstance("a9");
    const b = await startInstance("b9");
    await redis.kill();
    await redis.start();
    await until(() => a.coordination.status() === "redis-up" && b.coordination.status() === "redis-up", "both to reconnect", 10_000);
    const { data } = ask(a);
    await until(() => b.coordination.remote?.get(data.id), "B to mirror the question");
    // Well past the heartbeat's lifetime and the grace after reconnecting: A is alive, its question stays its own.
    await new Promise((resolve) => setTimeout(resolve, 4 * TIMINGS.ttlMs));
    expect(a.registry.get(data.id)?.status).toBe("pending");
    await storage.writes.idle();
    expect((await b.questions.get(data.id))?.data.status).toBe("pending");
    expect(await b.review.answer(data.id, { action: "decline" }, LOCAL_PRINCIPAL)).toMatchObject({ kind: "answered" });
  });

  it("ignores messages that are not signed with the instances' secret", async () => {
    const a = await startInstance("a10");
    const { data } = ask(a);
    const forger = new Redis(redis.port, "127.0.0.1");
    const principal = { id: "mallory", name: "mallory", role: "admin" };
    const message = { type: "answer", from: "x", requestId: "r", id: data.id, answer: { action: "accept", content: {} }, principal };
    const body = JSON.stringify(message);
    const wrongKey = createHmac(
      "sha256",
      createHmac("sha256", "not-the-secret-of-these-instances-0000").update("elicit-chat instance messages").digest(),
    );
    try {
      await forger.publish("elicit:instance:a10", JSON.stringify({ body, mac: "forged" }));
      await forger.publish("elicit:instance:a10", JSON.stringify({ body, mac: wrongKey.update(body).digest("base64url") }));
      await forger.publish("elicit:instance:a10", body);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(a.registry.get(data.id)?.status).toBe("pending");
    } finally {
      forger.disconnect();
    }
  });

  it("expires a dead instance's question on the other within the heartbeat, and nothing it held can be answered", async () => {
    const a = await startInstance("a3");
    const b = await startInstance("b3");
    const { data } = ask(a);
    await until(() => b.coordination.remote?.get(data.id), "B to mirror the question");
    const died = Date.now();
    // As a crash looks from outside: no more beats, no goodbye.
    await a.coordination.close();
    running.splice(running.indexOf(a), 1);
    await until(() => !b.coordination.remote?.get(data.id), "B to drop the dead instance's question");
    expect(Date.now() - died).toBeLessThan(3_000);
    await storage.writes.idle();
    const stored = await b.questions.get(data.id);
    expect(stored?.data).toMatchObject({ status: "expired", note: INSTANCE_GONE_NOTE });
    const late = await b.review.answer(data.id, { action: "accept", content: {} }, LOCAL_PRINCIPAL);
    expect(late.kind).not.toBe("answered");
  });

  it("cancels questions that wait on a live request when Redis goes away, and recovers when it returns", async () => {
    const a = await startInstance("a4");
    const b = await startInstance("b4");
    const { data, settled } = ask(a);
    const kept = askAsAgent(a);
    await redis.kill();
    await expect(settled).resolves.toMatchObject({ action: "cancel" });
    expect(a.registry.lookup(data.id)).toMatchObject({ settled: { status: "cancelled", note: COORDINATION_LOST_NOTE } });
    await until(() => a.coordination.status() === "redis-down", "A to say degraded");
    const whileDown = ask(a, "c2");
    await expect(whileDown.settled).resolves.toMatchObject({ action: "cancel" });
    // An agent's kept request waits on: nothing runs on it, and nobody takes over while Redis is away.
    expect(a.registry.get(kept.data.id)?.status).toBe("pending");

    await redis.start();
    await until(() => a.coordination.status() === "redis-up" && b.coordination.status() === "redis-up", "both to reconnect", 10_000);
    const after = ask(a, "c3");
    await until(() => b.coordination.remote?.get(after.data.id), "B to mirror a question asked after Redis came back");
    const answered = await b.review.answer(after.data.id, { action: "decline" }, LOCAL_PRINCIPAL);
    expect(answered.kind).toBe("answered");
  });

  it("replays and follows a turn running on A from B, for its owner only", async () => {
    const a = await startInstance("a5");
    const b = await startInstance("b5");
    const run = a.turns.open("c5", "alice");
    run.log.push({ type: "start" });
    run.log.push({ type: "text-start", id: "t" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await b.coordination.runningIn("c5")).toMatchObject({ runId: run.id, owner: "a5" });
    expect(await b.coordination.follow(run.id, (ownerId) => ownerId === "bob", new AbortController().signal)).toBeUndefined();

    const stream = await b.coordination.follow(run.id, (ownerId) => ownerId === "alice", new AbortController().signal);
    const seen: UIMessageChunk[] = [];
    const reader = stream!.getReader();
    const reading = (async () => {
      for (let next = await reader.read(); !next.done; next = await reader.read()) seen.push(next.value);
    })();
    run.log.push({ type: "text-delta", id: "t", delta: "hello" });
    a.turns.close(run);
    await reading;
    expect(seen.map((chunk) => chunk.type)).toEqual(["start", "text-start", "text-delta"]);
  });

  it("stops a turn from the other instance only for the person who started it", async () => {
    const a = await startInstance("a6");
    const b = await startInstance("b6");
    const run = a.turns.open("c6", "alice");
    run.log.push({ type: "start" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await b.coordination.stop(run.id, { id: "mallory", name: "mallory", role: "admin" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(run.signal.aborted).toBe(false);
    await b.coordination.stop(run.id, { id: "alice", name: "alice", role: "requester" });
    await until(() => run.signal.aborted, "the turn to stop");
  });
});
