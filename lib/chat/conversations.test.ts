import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { Conversations } from "./conversations";
import { ChatTurns } from "./turns";

const user: UIMessage = { id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] };

describe("Conversations", () => {
  it("knows the turn in flight, then keeps its reply once it ends", async () => {
    const turns = new ChatTurns();
    const conversations = new Conversations();
    const run = turns.open("thread-1");
    conversations.follow("thread-1", [user], run);
    expect(conversations.get("thread-1")).toEqual({ messages: [user], runId: run.id });

    run.log.push({ type: "start", messageId: "a1" });
    run.log.push({ type: "text-start", id: "t" });
    run.log.push({ type: "text-delta", id: "t", delta: "Hi there" });
    run.log.push({ type: "text-end", id: "t" });
    run.log.push({ type: "finish" });
    turns.close(run);

    await expect.poll(() => conversations.get("thread-1")?.runId).toBeUndefined();
    const [, reply] = conversations.get("thread-1")!.messages;
    expect(reply).toMatchObject({ id: "a1", role: "assistant", parts: [{ type: "text", text: "Hi there" }] });
  });

  it("does not let an older turn's ending overwrite a newer turn", async () => {
    const turns = new ChatTurns();
    const conversations = new Conversations();
    const older = turns.open("thread-1");
    conversations.follow("thread-1", [user], older);
    const newer = turns.open("thread-1");
    conversations.follow("thread-1", [user, user], newer);
    turns.close(older);
    // The older turn's ending has been handled: its log is done, and the work queued on it has run.
    await older.log.whenDone();
    await new Promise((resolve) => setImmediate(resolve));
    expect(conversations.get("thread-1")).toEqual({ messages: [user, user], runId: newer.id });
  });
});
