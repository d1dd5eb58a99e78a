import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { McpConnection, McpConnector } from "./client";
import type { McpConfig } from "./config";
import { McpConnections } from "./connections";

const IDLE_MS = 10 * 60_000;

/** A connector that makes fake connections and records what it was asked to do. */
function fakeConnector() {
  const made: string[] = [];
  const disconnected: string[] = [];
  const relisted: string[] = [];
  let failNext: Error | undefined;
  const connection = (name: string): McpConnection =>
    ({ client: { name }, tools: { [`${name}_tool`]: {} }, unavailable: [], leftOut: [], gates: {} }) as unknown as McpConnection;
  const nameOf = (c: McpConnection) => (c.client as unknown as { name: string }).name;
  const connector: McpConnector = {
    connectBundled: async () => {
      made.push("shell");
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      return connection("shell");
    },
    connectConfigured: async (conversationId) => {
      made.push(conversationId);
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      return connection(conversationId);
    },
    relist: async (c) => {
      relisted.push(nameOf(c));
      return { tools: c.tools, unavailable: [] };
    },
    disconnect: async (c) => {
      disconnected.push(nameOf(c));
    },
  };
  return { connector, made, disconnected, relisted, failNextWith: (error: Error) => (failNext = error) };
}

interface Setup {
  servers?: McpConfig["servers"];
  problems?: string[];
  maxConversations?: number;
}

function setup({ servers = { everything: { command: "npx" } }, problems = [], maxConversations = 3 }: Setup = {}) {
  const fake = fakeConnector();
  const busy = new Set<string>();
  const logged: string[] = [];
  const connections = new McpConnections({
    connector: fake.connector,
    isBusy: (id) => busy.has(id),
    loadConfig: (): McpConfig => ({ servers, problems }),
    limits: { idleMs: IDLE_MS, maxConversations },
    log: (message) => logged.push(message),
  });
  return { ...fake, connections, busy, logged };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("McpConnections", () => {
  it("gives a turn the bundled server's tools and the conversation's own", async () => {
    const { connections } = setup();
    const turn = await connections.forTurn("c1");
    expect(Object.keys(turn.tools).sort()).toEqual(["c1_tool", "shell_tool"]);
    expect(turn.notices).toEqual([]);
  });

  it("shares one bundled connection across conversations, and tries again after a failed start", async () => {
    const { connections, made, failNextWith } = setup({ servers: {} });
    failNextWith(new Error("spawn failed"));
    const failed = await connections.forTurn("c1");
    expect(failed.notices).toEqual([{ kind: "unavailable", serverName: "shell", reason: "spawn failed" }]);
    await connections.forTurn("c1");
    await connections.forTurn("c2");
    expect(made).toEqual(["shell", "shell"]);
  });

  it("reuses a conversation's connection across its turns, listing its tools again", async () => {
    const { connections, made, relisted } = setup();
    (await connections.forTurn("c1")).release();
    const first = connections.connectionOf("c1");
    await connections.forTurn("c1");
    expect(connections.connectionOf("c1")).toBe(first);
    expect(made.filter((m) => m === "c1")).toHaveLength(1);
    expect(relisted).toEqual(["c1"]);
  });

  it("closes a conversation's connection after the idle time, not before", async () => {
    const { connections, disconnected } = setup();
    (await connections.forTurn("c1")).release();
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(connections.conversations()).toEqual(["c1"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(connections.conversations()).toEqual([]);
    expect(disconnected).toEqual(["c1"]);
  });

  it("keeps an idle timer from closing a connection a new turn is using", async () => {
    const { connections, disconnected } = setup();
    (await connections.forTurn("c1")).release();
    await vi.advanceTimersByTimeAsync(IDLE_MS / 2);
    const second = await connections.forTurn("c1");
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(connections.conversations()).toEqual(["c1"]);
    second.release();
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(disconnected).toEqual(["c1"]);
  });

  it("waits for a running turn of the conversation before closing when idle", async () => {
    const { connections, busy, disconnected } = setup();
    (await connections.forTurn("c1")).release();
    busy.add("c1");
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3);
    expect(disconnected).toEqual([]);
    busy.delete("c1");
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(disconnected).toEqual(["c1"]);
  });

  it("closes the least recently used idle conversation beyond the cap, never a busy one", async () => {
    const { connections, busy, disconnected, logged } = setup({ maxConversations: 2 });
    await connections.forTurn("c1");
    await connections.forTurn("c2");
    busy.add("c1");
    await connections.forTurn("c3");
    expect(connections.conversations()).toEqual(["c1", "c3"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(disconnected).toEqual(["c2"]);

    busy.add("c3");
    await connections.forTurn("c4");
    expect(connections.conversations()).toEqual(["c1", "c3", "c4"]);
    expect(logged.at(-1)).toContain("using their MCP connections at once");
  });

  it("forgets a connection that failed to start, so the next turn tries again", async () => {
    const { connections, failNextWith, made } = setup();
    await connections.bundled();
    failNextWith(new Error("client broke"));
    const turn = await connections.forTurn("c1");
    expect(turn.notices).toEqual([{ kind: "unavailable", reason: "the servers from mcp.json: client broke" }]);
    expect(connections.conversations()).toEqual([]);
    await connections.forTurn("c1");
    expect(made.filter((m) => m === "c1")).toHaveLength(2);
  });

  it("names invalid mcp.json entries, and makes no connection when none is valid", async () => {
    const { connections, made } = setup({ servers: {}, problems: ['mcp.json: server "x": expected a command'] });
    const turn = await connections.forTurn("c1");
    expect(turn.notices).toEqual([{ kind: "misconfigured", reason: 'mcp.json: server "x": expected a command' }]);
    expect(made).toEqual(["shell"]);
    expect(connections.conversations()).toEqual([]);
  });

  it("raises the process's listener limit to what the capped connections need", async () => {
    const before = process.getMaxListeners();
    try {
      process.setMaxListeners(10);
      const { connections } = setup({ servers: { a: { command: "a" }, b: { command: "b" } }, maxConversations: 4 });
      await connections.forTurn("c1");
      expect(process.getMaxListeners()).toBe((4 + 1) * (2 + 1) + 10);
    } finally {
      process.setMaxListeners(before);
    }
  });

  it("closes everything on closeAll, timers included", async () => {
    const { connections, disconnected } = setup();
    (await connections.forTurn("c1")).release();
    await connections.forTurn("c2");
    await connections.closeAll();
    expect(disconnected.sort()).toEqual(["c1", "c2", "shell"]);
    expect(connections.conversations()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
