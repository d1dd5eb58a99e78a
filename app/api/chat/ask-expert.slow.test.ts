/**
 * The chat agent's ask_expert tool, driven as a browser drives a turn: alice chats (her API key) with the offline
 * model, the question reaches carol's inbox through the routing file (match.specialty), carol answers through the
 * real answer route, and the answer comes back into alice's turn. Stop withdraws the question; a passed deadline
 * gives a result that says nobody answered.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askExpertOutputSchema, EXPERT_STATUS_PART_TYPE, expertStatusSchema } from "@/lib/agent/ask-expert-contract";
import type { Principal } from "@/lib/auth/principal";
import { Users } from "@/lib/auth/users";
import { RUN_ID_HEADER } from "@/lib/chat/resume";
import { ELICITATION_PART_TYPE } from "@/lib/elicitation/contract";
import { serverState } from "@/lib/server-state";
import { closeMcpConnection } from "@/testing/mcp-connection";
import { answerAs } from "@/testing/people-mcp-client";
import { UiStreamReader, type StreamChunk } from "@/testing/ui-stream";
import { GET as contextRoute } from "../inbox/[id]/context/route";
import { POST as chatRoute } from "./route";
import { POST as stopRoute } from "./runs/[id]/stop/route";

const BASE = "http://127.0.0.1:3000";
const keys = { alice: "", bob: "", carol: "" };
const people: Record<string, Principal> = {};
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), "ask-expert-"));
  process.env.WORKSPACE_DIR = folder;
  process.env.ROUTING_FILE = path.join(folder, "routing.json");
  writeFileSync(
    process.env.ROUTING_FILE,
    JSON.stringify({
      groups: { security: ["carol"], finance: ["bob", "carol"] },
      rules: [
        { match: { specialty: "security" }, routeTo: ["security"], requesterMayAnswer: false },
        { match: { specialty: "finance" }, routeTo: ["finance"], approvals: 2, requesterMayAnswer: false },
      ],
    }),
  );
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  const state = serverState();
  await state.started;
  const users = new Users(state.auth);
  await users.add("alice", "requester");
  await users.add("bob", "reviewer");
  await users.add("carol", "reviewer");
  for (const user of await users.list()) people[user.name] = { id: user.id, name: user.name, role: user.role };
  for (const name of ["alice", "bob", "carol"] as const) keys[name] = await users.token(name);
});
afterAll(async () => {
  await closeMcpConnection();
  rmSync(folder, { recursive: true, force: true });
});

let turn = 0;
async function chatAs(key: string, text: string): Promise<UiStreamReader> {
  turn += 1;
  const body = { id: `expert-thread-${turn}`, messages: [{ id: `m${turn}`, role: "user", parts: [{ type: "text", text }] }] };
  const response = await chatRoute(
    new Request(`${BASE}/api/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ ...body, trigger: "submit-message" }),
    }),
  );
  expect(response.status).toBe(200);
  return new UiStreamReader(response);
}

const isStatus = (status?: string) => (c: StreamChunk) =>
  c.type === EXPERT_STATUS_PART_TYPE && (status === undefined || expertStatusSchema.parse(c.data).status === status);
const statusOf = (c: StreamChunk) => expertStatusSchema.parse(c.data);
const isOutput = (c: StreamChunk) => c.type === "tool-output-available" || c.type === "tool-output-error";
const outputOf = (c: StreamChunk) => askExpertOutputSchema.parse(c.output);

describe("the chat's ask_expert", () => {
  it("puts `ask security: ...` in the security reviewer's inbox, and brings her answer back into the turn", async () => {
    const stream = await chatAs(keys.alice, "ask security: is clause 7 compliant?\nClause 7: access logs are kept for 10 years.");
    const waiting = statusOf(await stream.waitFor(isStatus("pending"), "the waiting status"));
    expect(waiting).toMatchObject({ specialty: "security", review: { routedTo: ["security"], approvals: [] } });
    const id = waiting.requestId;

    // In carol's inbox as any question: from alice, via the people server, with its specialty and the chat's context.
    const state = serverState();
    const itemOf = () => state.review.inbox(people.carol!).find((i) => i.data.id === id);
    // The inbox learns the requester's name from the user store, just after the question arrives.
    await expect.poll(() => itemOf()?.requesterName).toBe("alice");
    const item = itemOf();
    expect(item?.data).toMatchObject({ serverName: "people", specialty: "security", threadId: `expert-thread-${turn}` });
    expect(item?.data.message).toContain("is clause 7 compliant?");
    expect(item?.data.message).toContain("Clause 7: access logs are kept for 10 years.");
    expect(state.review.inbox(people.bob!).some((i) => i.data.id === id)).toBe(false);
    const context = await contextRoute(
      new Request(`${BASE}/api/inbox/${id}/context`, { headers: { authorization: `Bearer ${keys.carol}` } }),
      {
        params: Promise.resolve({ id }),
      },
    );
    expect(JSON.stringify(await context.json())).toContain("is clause 7 compliant?");

    // For alice it is the tool's card, not a question she could answer herself.
    expect(stream.seen.some((c) => c.type === ELICITATION_PART_TYPE)).toBe(false);
    expect((await answerAs(keys.alice, id, { action: "accept", content: { answer: "sure" } })).status).toBe(403);

    const answered = await answerAs(keys.carol, id, {
      action: "accept",
      content: { answer: "No: at most **5 years** under policy 4.2." },
    });
    expect(answered.status).toBe(200);
    const output = outputOf(await stream.waitFor(isOutput, "the tool result"));
    expect(output).toMatchObject({
      id,
      specialty: "security",
      status: "answered",
      answer: "No: at most **5 years** under policy 4.2.",
      answeredBy: { name: "carol", role: "reviewer" },
    });
    expect(Date.parse(output.answeredAt!)).toBeGreaterThan(Date.now() - 60_000);
    await stream.readToEnd();
    expect(stream.seen.some(isStatus("accepted"))).toBe(true);
    expect(stream.text()).toContain("carol (reviewer) answered the security question:");
    expect(stream.text()).toContain("> No: at most **5 years** under policy 4.2.");

    // The request is alice's, kept as answered, as ask_human's are.
    expect(await state.humanRequests.get(people.alice!, id)).toMatchObject({ status: "answered", requesterId: people.alice!.id });
  });

  it("shows the approvals so far while a four-eyes question waits", async () => {
    const stream = await chatAs(keys.alice, "ask finance: may we book the licence in Q3?");
    const { requestId: id } = statusOf(await stream.waitFor(isStatus("pending")));
    expect((await answerAs(keys.bob, id, { action: "accept", content: { answer: "Yes, in Q3." } })).status).toBe(202);
    const partly = await stream.waitFor((c) => isStatus("pending")(c) && (statusOf(c).review?.approvals.length ?? 0) === 1, "one approval");
    expect(statusOf(partly).review).toMatchObject({ approvalsNeeded: 2, approvals: [{ by: "bob" }] });
    expect((await answerAs(keys.carol, id, { action: "accept", content: { answer: "Yes, in Q3." } })).status).toBe(200);
    expect(outputOf(await stream.waitFor(isOutput))).toMatchObject({ status: "answered", answer: "Yes, in Q3." });
    await stream.readToEnd();
    expect(stream.text()).toContain("> Yes, in Q3.");
  });

  it("withdraws the question when the person stops the turn", async () => {
    const stream = await chatAs(keys.alice, "ask security: can we open port 22 to the world?");
    const runId = stream.response.headers.get(RUN_ID_HEADER)!;
    const { requestId: id } = statusOf(await stream.waitFor(isStatus("pending")));
    const stopped = await stopRoute(
      new Request(`${BASE}/api/chat/runs/${runId}/stop`, { method: "POST", headers: { authorization: `Bearer ${keys.alice}` } }),
      {
        params: Promise.resolve({ id: runId }),
      },
    );
    expect(stopped.status).toBe(204);
    const state = serverState();
    await expect.poll(async () => (await state.humanRequests.get(people.alice!, id))?.status).toBe("cancelled");
    expect(state.review.inbox(people.carol!).some((i) => i.data.id === id)).toBe(false);
    // Too late for carol: nothing reaches a turn that is gone.
    expect((await answerAs(keys.carol, id, { action: "accept", content: { answer: "no" } })).status).toBe(409);
    await stream.readToEnd();
  });

  it("says nobody answered when the deadline passes, and gives no answer", async () => {
    const stream = await chatAs(keys.alice, 'use `ask_expert` {"specialty": "security", "question": "is TLS 1.0 fine?", "deadline": 1}');
    const waiting = statusOf(await stream.waitFor(isStatus("pending")));
    expect(waiting.expiresAt - Date.now()).toBeLessThanOrEqual(1_000);
    const output = outputOf(await stream.waitFor(isOutput, "the expired result"));
    expect(output).toMatchObject({ status: "expired", note: "nobody answered in time" });
    expect(output.answer).toBeUndefined();
    await stream.readToEnd();
    expect(stream.text()).toContain("Nobody answered the security question in time");
    expect(stream.text()).toContain("there is no answer");
  });
});
