/**
 * Parallel tool calls of one agent step that both get a question: exactly one suspends the turn (Mastra resumes one
 * tool call at a time), the other waits for its answer in memory and retries with it. The race this guards: the
 * second call's question arrives while the first is still being saved.
 */
import type { ToolExecutionContext } from "@mastra/core/tools";
import { describe, expect, it } from "vitest";
import { ChatTurns } from "@/lib/chat/turns";
import { MemoryResumableCalls, type ResumableCall } from "@/lib/db/resumable-calls";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { callResumable, type ResumableDeps } from "./resumable-tool";

const question = (command: string) => ({
  resultType: "input_required",
  inputRequests: {
    approval: {
      method: "elicitation/create",
      params: { mode: "form", message: `Run \`${command}\`?`, requestedSchema: { type: "object", properties: {} } },
    },
  },
  requestState: `state-${command}`,
});

/** A store whose saves finish only when told to: the window in which a second question can arrive. */
class SlowCalls extends MemoryResumableCalls {
  private release!: () => void;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
  override async save(call: ResumableCall): Promise<void> {
    await this.released;
    return super.save(call);
  }
  finishSaves(): void {
    this.release();
  }
}

describe("callResumable with parallel calls", () => {
  it("suspends on one question and holds the other in memory, even when the second arrives mid-save", async () => {
    const calls = new SlowCalls();
    const registry = new ElicitationRegistry();
    const turns = new ChatTurns();
    const run = turns.open("c1", "alice");
    const sent: Array<Record<string, unknown>> = [];
    const deps: ResumableDeps = {
      caller: {
        async request({ params }) {
          sent.push(params);
          const args = params.arguments as { command: string };
          return params.inputResponses ? { content: [{ type: "text", text: `ran ${args.command}` }] } : question(args.command);
        },
      },
      registry,
      calls,
      lifetimeMs: 3_600_000,
      callTimeoutMs: 10_000,
      heldTimeoutMs: 60_000,
      turns,
    };
    const suspended: unknown[] = [];
    const context = (toolCallId: string) =>
      ({ agent: { toolCallId, suspend: async (payload: unknown) => void suspended.push(payload) } }) as unknown as ToolExecutionContext;
    const target = { serverName: "shell", toolName: "run_command", run, meta: {} };

    const first = callResumable(deps, target, { command: "rm -rf a" }, context("t1"));
    const second = callResumable(deps, target, { command: "rm -rf b" }, context("t2"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    calls.finishSaves();
    await first;

    expect(suspended).toHaveLength(1);
    const pending = registry.listPending("c1");
    expect(pending).toHaveLength(2);
    expect(pending.filter((card) => card.durable)).toHaveLength(1);
    const held = pending.find((card) => !card.durable)!;
    expect(held.command ?? held.message).toContain("rm -rf b");

    registry.answer(held.id, { action: "accept", content: {} });
    await expect(second).resolves.toMatchObject({ content: [{ text: "ran rm -rf b" }] });
    expect(sent.at(-1)).toMatchObject({ requestState: "state-rm -rf b", inputResponses: { approval: { action: "accept" } } });
    turns.close(run);
  });
});
