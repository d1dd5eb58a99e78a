/**
 * MCP Tasks on /api/mcp, end to end in process: official SDK clients over Streamable HTTP calling the route, real
 * API keys, answers through the real answer route. alice's key is an agent's, carol the reviewer the routing file
 * sends "people" questions to, mallory another requester. Tasks exist on the 2025-11-25 wire only.
 */
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Users } from "@/lib/auth/users";
import { requestOutcomeSchema } from "@/lib/experts/contract";
import { TASK_POLL_INTERVAL_MS, TASK_TOOL_NAMES } from "@/lib/experts/mcp-tasks";
import { serverState } from "@/lib/server-state";
import { answerAs, callTool, connectPeople, pendingPeopleQuestion, type Era, setUpPeopleTeam } from "@/testing/people-mcp-client";
import { callAsTask, cancelTask, connectTaskAwareClient, getTask, listTasks, refusal, taskResult } from "@/testing/people-task-client";

const keys = { alice: "", carol: "", mallory: "" };
const clients: Array<{ close(): Promise<void> }> = [];
const INVALID_PARAMS = -32602;

beforeAll(async () => {
  Object.assign(keys, await setUpPeopleTeam());
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
});

async function connect(key: string, era: Era = "legacy"): Promise<Client> {
  const client = await connectPeople(key, era);
  clients.push(client);
  return client;
}

async function carolsInbox(): Promise<string[]> {
  const state = serverState();
  const carol = (await new Users(state.auth).list()).find((user) => user.name === "carol")!;
  return state.review.inbox({ id: carol.id, name: "carol", role: "reviewer" }).map((item) => item.data.id);
}

describe("MCP Tasks on /api/mcp", () => {
  it("offers tasks to 2025-11-25 clients for ask_human and request_review only, and not on 2026-07-28", async () => {
    const legacy = await connect(keys.alice);
    expect(legacy.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const { tools } = await legacy.listTools();
    const taskTools = tools.filter((tool) => tool.execution?.taskSupport === "optional").map((tool) => tool.name);
    expect(taskTools.sort()).toEqual(["ask_human", "request_review"]);
    expect([...TASK_TOOL_NAMES].sort()).toEqual(taskTools);
    expect(tools.filter((tool) => tool.execution !== undefined && !taskTools.includes(tool.name))).toEqual([]);

    const modern = await connect(keys.alice, { pin: "2026-07-28" });
    expect(modern.getServerCapabilities()?.tasks).toBeUndefined();
    expect((await modern.listTools()).tools.every((tool) => tool.execution === undefined)).toBe(true);
    // The client refuses before sending: 2026-07-28 has no tasks/* methods.
    await expect(Promise.resolve().then(() => getTask(modern, "any"))).rejects.toThrow(/not supported by the negotiated protocol version/);
  });

  it("asks as a task: a handle at once, working while it waits, and tasks/result returns the reviewer's answer", async () => {
    const client = await connect(keys.alice);
    const { task } = await callAsTask(client, "ask_human", { question: "Is clause 9 compliant?", specialty: "legal" });
    expect(task).toMatchObject({ status: "working", ttl: null, pollInterval: TASK_POLL_INTERVAL_MS });
    expect(await carolsInbox()).toContain(task.taskId);
    expect(await getTask(client, task.taskId)).toMatchObject({ taskId: task.taskId, status: "working", createdAt: task.createdAt });

    // tasks/result holds on until someone answers.
    let resolved = false;
    const result = taskResult(client, task.taskId).finally(() => (resolved = true));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(resolved).toBe(false);
    const answered = await answerAs(keys.carol, task.taskId, { action: "accept", content: { answer: "Yes, as written." } });
    expect(answered.status).toBe(200);
    expect((await result).structuredContent).toMatchObject({
      id: task.taskId,
      status: "answered",
      answer: "Yes, as written.",
      answeredBy: { name: "carol", role: "reviewer" },
    });
    expect((await result)._meta?.["io.modelcontextprotocol/related-task"]).toEqual({ taskId: task.taskId });

    const done = await getTask(client, task.taskId);
    expect(done).toMatchObject({ status: "completed", statusMessage: "answered by carol (reviewer)" });
    expect(Date.parse(done.lastUpdatedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    expect((await listTasks(client)).tasks).toContainEqual(expect.objectContaining({ taskId: task.taskId, status: "completed" }));
    // The same request through the tools a client without tasks uses.
    expect((await callTool(client, "get_request", { id: task.taskId })).output).toMatchObject({ status: "answered" });
  });

  it("runs a review as a task: an edit comes back with the content and a diff", async () => {
    const client = await connect(keys.alice);
    const { task } = await callAsTask(client, "request_review", { content: "Release on Friday.", title: "Release note" });
    expect(task.status).toBe("working");
    const edited = { action: "accept", content: { content: "Release on Monday." } };
    expect((await answerAs(keys.carol, task.taskId, edited)).status).toBe(200);
    const result = await taskResult(client, task.taskId);
    expect(result.structuredContent).toMatchObject({ status: "answered", verdict: "edited", content: "Release on Monday." });
    expect(requestOutcomeSchema.parse(result.structuredContent).diff).toContain("+Release on Monday.");
    expect(await getTask(client, task.taskId)).toMatchObject({ status: "completed", statusMessage: "edited by carol (reviewer)" });
  });

  it("cancels: the question leaves the inbox, the task is cancelled, and a second cancel is refused", async () => {
    const client = await connect(keys.alice);
    const { task } = await callAsTask(client, "ask_human", { question: "Never mind this task" });
    expect(await carolsInbox()).toContain(task.taskId);
    expect(await cancelTask(client, task.taskId)).toMatchObject({ taskId: task.taskId, status: "cancelled" });
    expect(await carolsInbox()).not.toContain(task.taskId);
    expect((await answerAs(keys.carol, task.taskId, { action: "accept", content: { answer: "too late" } })).status).toBe(409);
    expect(await getTask(client, task.taskId)).toMatchObject({ status: "cancelled" });
    expect((await taskResult(client, task.taskId)).structuredContent).toMatchObject({ status: "cancelled" });
    expect(await refusal(cancelTask(client, task.taskId))).toEqual({
      code: INVALID_PARAMS,
      message: expect.stringContaining("already ended (cancelled)"),
    });
  });

  it("answers another key's task exactly as an unknown id, for get, result, cancel and list", async () => {
    const alice = await connect(keys.alice);
    const mallory = await connect(keys.mallory);
    const { task } = await callAsTask(alice, "ask_human", { question: "Alice's task, not Mallory's" });
    for (const request of [getTask, taskResult, cancelTask]) {
      const theirs = await refusal(request(mallory, task.taskId));
      const nobody = await refusal(request(mallory, "no-such-id"));
      expect(theirs).not.toBe("no error");
      expect(theirs).toEqual({
        ...(nobody as object),
        message: (nobody as { message: string }).message.replace("no-such-id", task.taskId),
      });
      expect(theirs).toMatchObject({ code: INVALID_PARAMS });
    }
    expect((await listTasks(mallory)).tasks.map((t) => t.taskId)).not.toContain(task.taskId);
    expect(await getTask(alice, task.taskId)).toMatchObject({ status: "working" });
  });

  it("completes with status expired and no answer once the deadline passes", async () => {
    const client = await connect(keys.alice);
    const { task } = await callAsTask(client, "ask_human", { question: "Anyone there, task?", deadline: 1.2 });
    const result = await taskResult(client, task.taskId);
    expect(result.structuredContent).toMatchObject({ id: task.taskId, status: "expired" });
    const outcome = requestOutcomeSchema.parse(result.structuredContent);
    expect(outcome.answer).toBeUndefined();
    expect(outcome.answeredBy).toBeUndefined();
    expect(result.isError).not.toBe(true);
    expect(await getTask(client, task.taskId)).toMatchObject({
      status: "completed",
      statusMessage: expect.stringMatching(/^expired, no answer/),
    });
  });

  it("refuses what cannot become a task with an error and opens nothing", async () => {
    const client = await connect(keys.alice);
    const before = (await listTasks(client)).tasks.length;
    const late = await refusal(callAsTask(client, "ask_human", { question: "Yesterday?", deadline: "2020-01-01T00:00:00Z" }));
    expect(late).toMatchObject({ code: INVALID_PARAMS, message: expect.stringContaining("deadline") });
    expect(await refusal(callAsTask(client, "ask_human", {}))).toMatchObject({
      code: INVALID_PARAMS,
      message: expect.stringContaining("question"),
    });
    expect(await refusal(callAsTask(client, "get_request", { id: "x" }))).toMatchObject({ code: -32601 });
    expect((await listTasks(client)).tasks.length).toBe(before);
  });

  it("still waits for the answer when a client calls without a task", async () => {
    const client = await connect(keys.alice);
    const waiting = client.callTool({ name: "ask_human", arguments: { question: "Blocking, no task?" } });
    const id = await pendingPeopleQuestion("Blocking, no task?");
    expect((await answerAs(keys.carol, id, { action: "accept", content: { answer: "still works" } })).status).toBe(200);
    const result = await waiting;
    expect(result.structuredContent).toMatchObject({ id, status: "answered", answer: "still works" });
    expect(result).not.toHaveProperty("task");
  });

  it("works with a client that implements tasks itself (SDK v1 experimental tasks): created, polled, answered", async () => {
    const client = await connectTaskAwareClient(keys.alice);
    clients.push(client);
    const seen: string[] = [];
    const stream = client.experimental.tasks.callToolStream({ name: "ask_human", arguments: { question: "Polled by v1?" } });
    for await (const message of stream) {
      if (message.type === "taskCreated") seen.push("created");
      else if (message.type === "result") seen.push("result");
      else if (message.type === "error") throw message.error;
      else {
        seen.push(message.task.status);
        // Answered once the client has seen it working: its next poll (pollInterval later) finds it completed.
        if (message.task.status === "working" && !seen.includes("answered")) {
          expect((await answerAs(keys.carol, message.task.taskId, { action: "accept", content: { answer: "yes" } })).status).toBe(200);
          seen.push("answered");
        }
      }
      if (message.type === "result") expect(message.result.structuredContent).toMatchObject({ status: "answered", answer: "yes" });
    }
    expect(seen).toEqual(["created", "working", "answered", "completed", "result"]);
  });
});
