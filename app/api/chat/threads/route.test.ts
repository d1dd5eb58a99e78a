/** GET /api/chat/threads: only the caller's own conversations, newest first, searched by title; bad queries are 400. */
import type { UIMessage } from "ai";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { conversationListSchema } from "@/lib/chat/conversation-contract";
import { serverState } from "@/lib/server-state";
import { GET } from "./route";

const ALICE: Principal = { id: "alice", name: "alice", role: "requester" };
let caller: Principal = ALICE;
// Who is asking is decided elsewhere (sessions, API keys); these tests choose the caller.
vi.mock("@/lib/auth/principal", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/principal")>()),
  principalOf: async () => caller,
}));

const userSays = (text: string): UIMessage => ({ id: `u-${text}`, role: "user", parts: [{ type: "text", text }] });

async function list(query = "") {
  const response = await GET(new Request(`http://127.0.0.1/api/chat/threads${query}`));
  return { status: response.status, json: (await response.json()) as unknown };
}
const titles = async (query = "") => conversationListSchema.parse((await list(query)).json).conversations.map((c) => c.title);

beforeAll(async () => {
  const { started, conversationStore } = serverState();
  await started;
  const starts: Array<[string, string, string]> = [
    ["l1", "alice", "delete the build folder"],
    ["l2", "bob", "bob's build secrets"],
    ["l3", "alice", "list the workspace"],
    ["l4", "alice", "100% of the files"],
  ];
  for (const [id, ownerId, text] of starts) {
    await conversationStore.save({ id, ownerId }, [userSays(text)]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // A later save is newer.
  }
});

describe("GET /api/chat/threads", () => {
  it("lists the caller's own conversations, newest first", async () => {
    caller = ALICE;
    expect(await titles()).toEqual(["100% of the files", "list the workspace", "delete the build folder"]);
    caller = { id: "bob", name: "bob", role: "requester" };
    expect(await titles()).toEqual(["bob's build secrets"]);
  });

  it("lists even an admin only their own: another's conversation is read by its id", async () => {
    caller = { id: "root", name: "root", role: "admin" };
    expect(await titles()).toEqual([]);
  });

  it("searches titles with ?q= (any case, % taken literally) and stops at ?limit=", async () => {
    caller = ALICE;
    expect(await titles("?q=BUILD")).toEqual(["delete the build folder"]);
    expect(await titles("?q=%25")).toEqual(["100% of the files"]);
    expect(await titles("?q=secrets")).toEqual([]);
    expect(await titles("?limit=2")).toEqual(["100% of the files", "list the workspace"]);
  });

  it.each([
    ["a limit of 0", "?limit=0"],
    ["a limit over 200", "?limit=201"],
    ["a limit that is not a number", "?limit=ten"],
    ["a fractional limit", "?limit=1.5"],
    ["a search over 200 characters", `?q=${"x".repeat(201)}`],
  ])("refuses %s with 400", async (_what, query) => {
    const { status, json } = await list(query);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("Invalid query") } });
  });
});
