/**
 * The resumer decides when a suspended turn goes on: only through a won claim, once; an expired question is claimed
 * with a cancel first (a late answer loses); a claim left by a process that died is taken over only after its lease.
 * The agent is replaced by a recorder of what would be resumed (the real resume runs in the chat route tests and e2e).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryConversationStore, MemoryQuestionStore } from "@/lib/db/memory-stores";
import { MemoryResumableCalls } from "@/lib/db/resumable-calls";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { Conversations } from "./conversations";
import { Resumer } from "./resumer";
import { ChatTurns } from "./turns";

const LEASE_MS = 60_000;

describe("Resumer", () => {
  let calls: MemoryResumableCalls;
  let registry: ElicitationRegistry;
  let questions: MemoryQuestionStore;
  let resumed: Array<{ questionId: string; runId: unknown; toolCallId: unknown }>;
  let resumer: Resumer;

  beforeEach(async () => {
    calls = new MemoryResumableCalls();
    registry = new ElicitationRegistry();
    questions = new MemoryQuestionStore();
    registry.observe((event) => void questions.record(event.data, event.requesterId));
    const conversationStore = new MemoryConversationStore();
    await conversationStore.save({ id: "c1", ownerId: "alice" }, [
      { id: "u1", role: "user", parts: [{ type: "text", text: "run `rm -rf build`" }] },
      {
        id: "reply-run-1",
        role: "assistant",
        parts: [{ type: "tool-shell_run_command", toolCallId: "tool-1", state: "input-available", input: {} }],
      },
    ] as never);
    resumed = [];
    const turns = new ChatTurns();
    resumer = new Resumer({
      calls,
      registry,
      questions,
      conversationStore,
      conversations: new Conversations({ store: conversationStore, questions, registry }),
      turns,
      drive: async (_run, start) => void (await start({} as never)),
      resumeStream: async (data, options) => {
        resumed.push({ ...(data as { questionId: string }), runId: options.runId, toolCallId: options.toolCallId });
        return undefined as never;
      },
      claimant: "test",
      leaseMs: LEASE_MS,
      nameOf: async () => undefined,
    });
  });

  /** A durable question as the resumable tool asks it: saved, then shown. */
  async function ask(expiresAt = Date.now() + 3_600_000) {
    const fixed = { id: `q-${Math.random()}`, createdAt: Date.now(), expiresAt };
    await calls.save({
      questionId: fixed.id,
      conversationId: "c1",
      runId: "run-1",
      toolCallId: "tool-1",
      serverName: "shell",
      toolName: "run_command",
      arguments: {},
      inputKey: "approval",
    });
    registry.open({
      threadId: "c1",
      requesterId: "alice",
      serverName: "shell",
      message: "Run `rm -rf build`?",
      requestedSchema: { type: "object", properties: {} },
      timeoutMs: 3_600_000,
      durable: { fixed },
      onChange: () => {},
    });
    return fixed.id;
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it("resumes the run once, with the winning answer; a second answer gets the winner's outcome", async () => {
    const id = await ask();
    const pending = registry.get(id)!;
    expect(await resumer.claim(pending, { action: "accept", content: {} }, "bob")).toBeUndefined();
    expect(await resumer.claim(pending, { action: "decline" }, "carol")).toMatchObject({ id, status: "accepted", answeredBy: "bob" });
    registry.answer(id, { action: "accept", content: {} }, "bob");
    await until(() => resumed.length > 0);
    expect(resumed).toEqual([{ questionId: id, runId: "run-1", toolCallId: "tool-1" }]);
  });

  it("does not resume a question answered without a claim (its conversation deleted), and closes it", async () => {
    const id = await ask();
    registry.answer(id, { action: "cancel" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resumed).toEqual([]);
    expect((await calls.get(id))?.phase).toBe("done");
  });

  it("expires a question past its time through a cancel claim, so a late answer loses, and tells the run", async () => {
    const id = await ask(Date.now() + 1_000);
    await resumer.sweep(Date.now() + 2_000);
    expect(registry.lookup(id)).toMatchObject({ settled: { status: "expired" } });
    expect(await calls.get(id)).toMatchObject({ phase: "claimed", answer: { action: "cancel" } });
    expect(await resumer.claim({ ...registry.get(id)!, id } as never, { action: "accept", content: {} }, "late")).toMatchObject({
      status: "cancelled",
    });
    await until(() => resumed.length > 0);
    expect(resumed.map((r) => r.questionId)).toEqual([id]);
  });

  it("takes over a claim left by a process that died only once its lease ran out", async () => {
    const id = await ask();
    await calls.claim(id, { action: "accept", content: {}, at: Date.now() }, "another-process");
    await resumer.sweep(Date.now() + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resumed).toEqual([]);
    await resumer.sweep(Date.now() + LEASE_MS + 1_000);
    await until(() => resumed.length > 0);
    expect(resumed.map((r) => r.questionId)).toEqual([id]);
  });
});
