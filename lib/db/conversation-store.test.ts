/**
 * The ConversationStore contract: every implementation (SQLite, Postgres, memory) runs the same cases through
 * conversationStoreContract(name, factory).
 */
import type { UIMessage } from "ai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TITLE_LENGTH } from "@/lib/chat/conversation-contract";
import { createTestStorage, SQL_STORAGE_KINDS } from "@/testing/test-storage";
import { titleOf, type ConversationStore } from "./conversation-store";
import { MemoryConversationStore } from "./memory-stores";

/** A fresh, empty store, and how to throw it away. */
type StoreFactory = () => Promise<{ store: ConversationStore; close(): Promise<void> }>;

const userSays = (id: string, text: string): UIMessage => ({ id, role: "user", parts: [{ type: "text", text }] });
const agentSays = (id: string, text: string): UIMessage => ({ id, role: "assistant", parts: [{ type: "text", text }] });

export function conversationStoreContract(name: string, factory: StoreFactory): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let store: ConversationStore;
    let close: () => Promise<void>;
    let now = 1_700_000_000_000;
    /** Each save at a later time: the order of the list is the order of activity. */
    const at = async (action: () => Promise<unknown>) => {
      vi.setSystemTime((now += 1_000));
      await action();
    };
    const start = (id: string, title: string, ownerId = "alice") => at(() => store.save({ id, ownerId }, [userSays(`${id}-u`, title)]));
    const titles = async (options: Parameters<ConversationStore["list"]>[0]) => (await store.list(options)).map((c) => c.title);

    beforeEach(async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      ({ store, close } = await factory());
    });
    afterEach(async () => {
      vi.useRealTimers();
      await close();
    });

    it("saves a conversation titled from its first user message, and its messages in order", async () => {
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [userSays("u1", "  list   the\nworkspace ")]));
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [agentSays("a1", "Here it is")], 1));
      const saved = await store.get("c1");
      expect(saved).toMatchObject({ id: "c1", ownerId: "alice", title: "list the workspace" });
      expect(saved?.updatedAt).toBeGreaterThan(saved?.createdAt ?? Infinity);
      expect(saved?.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
    });

    it("updates a message saved again (a reply as it streams) instead of adding a copy, and keeps the title", async () => {
      await start("c1", "first words");
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [agentSays("a1", "Work")], 1));
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [agentSays("a1", "Working on it")], 1));
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [userSays("c1-u", "edited words")]));
      const saved = await store.get("c1");
      expect(saved?.title).toBe("first words");
      expect(saved?.messages).toHaveLength(2);
      expect(saved?.messages[1]).toMatchObject({ id: "a1", parts: [{ type: "text", text: "Working on it" }] });
    });

    it("answers undefined for a conversation it does not have", async () => {
      expect(await store.get("missing")).toBeUndefined();
    });

    it("lists newest activity first, one owner's or everyone's, up to the limit", async () => {
      await start("c1", "oldest");
      await start("c2", "middle");
      await start("c3", "bob's", "bob");
      await start("c4", "newest");
      expect(await titles({ ownerId: "alice", limit: 10 })).toEqual(["newest", "middle", "oldest"]);
      expect(await titles({ limit: 10 })).toEqual(["newest", "bob's", "middle", "oldest"]);
      expect(await titles({ ownerId: "alice", limit: 2 })).toEqual(["newest", "middle"]);
      expect(await titles({ ownerId: "carol", limit: 10 })).toEqual([]);
      // A new message moves a conversation to the top.
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [agentSays("a", "again")], 1));
      expect(await titles({ ownerId: "alice", limit: 10 })).toEqual(["oldest", "newest", "middle"]);
    });

    it("searches titles for a part, in any case, only among the owner's", async () => {
      await start("c1", "Delete the BUILD folder");
      await start("c2", "list files");
      await start("c3", "build it", "bob");
      expect(await titles({ ownerId: "alice", search: "build", limit: 10 })).toEqual(["Delete the BUILD folder"]);
      expect(await titles({ ownerId: "alice", search: "  FILES ", limit: 10 })).toEqual(["list files"]);
      expect(await titles({ ownerId: "alice", search: "nothing like it", limit: 10 })).toEqual([]);
      // An empty search is no search.
      expect(await titles({ ownerId: "alice", search: "   ", limit: 10 })).toHaveLength(2);
    });

    it("takes % _ and \\ in a search literally, not as wildcards", async () => {
      await start("c1", "100% done");
      await start("c2", "100 percent done");
      await start("c3", "snake_case names");
      await start("c4", "snakeXcase names");
      await start("c5", "a\\b path");
      await start("c6", "ab path");
      expect(await titles({ ownerId: "alice", search: "%", limit: 10 })).toEqual(["100% done"]);
      expect(await titles({ ownerId: "alice", search: "100%", limit: 10 })).toEqual(["100% done"]);
      expect(await titles({ ownerId: "alice", search: "_", limit: 10 })).toEqual(["snake_case names"]);
      expect(await titles({ ownerId: "alice", search: "e_c", limit: 10 })).toEqual(["snake_case names"]);
      expect(await titles({ ownerId: "alice", search: "a\\b", limit: 10 })).toEqual(["a\\b path"]);
    });

    it("renames without moving the conversation in the list, cuts a long title, and says when there is none", async () => {
      await start("c1", "older");
      await start("c2", "newer");
      expect(await store.rename("c1", "Renamed")).toBe(true);
      expect(await titles({ ownerId: "alice", limit: 10 })).toEqual(["newer", "Renamed"]);
      expect(await store.rename("c1", "x".repeat(MAX_TITLE_LENGTH + 50))).toBe(true);
      expect((await store.get("c1"))?.title).toHaveLength(MAX_TITLE_LENGTH);
      expect(await store.rename("missing", "Anything")).toBe(false);
      expect(await store.get("missing")).toBeUndefined();
    });

    it("deletes a conversation with its messages, and only that one", async () => {
      await start("c1", "to delete");
      await at(() => store.save({ id: "c1", ownerId: "alice" }, [agentSays("a1", "reply")], 1));
      await start("c2", "to keep");
      expect(await store.delete("c1")).toBe(true);
      expect(await store.get("c1")).toBeUndefined();
      expect(await titles({ ownerId: "alice", limit: 10 })).toEqual(["to keep"]);
      expect(await store.delete("c1")).toBe(false);
      // The same id starts afresh: no message of the deleted one comes back.
      await start("c1", "a new start");
      expect((await store.get("c1"))?.messages.map((m) => m.id)).toEqual(["c1-u"]);
      expect((await store.get("c2"))?.messages).toHaveLength(1);
    });
  });
}

for (const kind of SQL_STORAGE_KINDS) {
  conversationStoreContract(kind === "postgres" ? "Postgres" : "SQLite", async () => {
    const storage = await createTestStorage(kind);
    return { store: storage.conversations, close: () => storage.close() };
  });
}

conversationStoreContract("memory (STORAGE=memory)", async () => ({ store: new MemoryConversationStore(), close: async () => {} }));

describe("titleOf", () => {
  it("is the first user message's text on one line, cut at 60 characters", () => {
    expect(titleOf([agentSays("a", "hello"), userSays("u", "run\n`ls`")])).toBe("run `ls`");
    const long = titleOf([userSays("u", "word ".repeat(30))]);
    expect(long).toHaveLength(60);
    expect(long.endsWith("…")).toBe(true);
  });

  it("names a conversation without text", () => {
    expect(titleOf([])).toBe("New conversation");
    expect(titleOf([{ id: "u", role: "user", parts: [{ type: "file", mediaType: "image/png", url: "data:," }] }])).toBe("New conversation");
  });
});
