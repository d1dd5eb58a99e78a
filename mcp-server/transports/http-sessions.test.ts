/**
 * HTTP sessions are bound to the client that opened them, capped, and expire when idle: a second client holding
 * the session id cannot answer the first one's question, and thousands of initializes cannot pile up.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configFromEnv } from "../config.ts";
import { runCommandOutputSchema } from "../contract.ts";
import { startHttpServer, type RunningHttpServer } from "../http-server.ts";

const ALICE = "alice-token-0123456789";
const BOB = "bob-token-0123456789ab";
let workspace: string;
let server: RunningHttpServer | undefined;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-http-sessions-"));
  mkdirSync(path.join(workspace, "build"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(workspace, { recursive: true, force: true });
});

const start = async (limits = { maxSessions: 8, maxSessionsPerClient: 8, idleMs: 60_000 }) => {
  const config = configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH, SHELL_SANDBOX: "off" });
  server = await startHttpServer({ config, port: 0, tokens: { alice: ALICE, bob: BOB }, sessionLimits: limits });
  return server;
};

/** A client whose questions wait until the test answers them; `asked` resolves with the first one's request id. */
async function connect(running: RunningHttpServer, token: string) {
  const client = new Client({ name: "session-test", version: "1" }, { capabilities: { elicitation: { form: {} } } });
  let askedId!: (id: string | number) => void;
  const asked = new Promise<string | number>((resolve) => (askedId = resolve));
  client.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
    askedId(extra.requestId);
    return new Promise<ElicitResult>(() => {});
  });
  const transport = new StreamableHTTPClientTransport(new URL(running.url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return { client, asked, sessionId: transport.sessionId! };
}

/** A raw JSON-RPC POST on a session, as another process holding the id could send it. */
function post(running: RunningHttpServer, token: string, sessionId: string | undefined, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: running.port,
        path: "/mcp",
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${token}`,
          "mcp-protocol-version": "2025-11-25",
          ...(sessionId && { "mcp-session-id": sessionId }),
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

describe("HTTP sessions", () => {
  it("are bound to the client that opened them: another token cannot answer a question or call a tool", async () => {
    const running = await start();
    const alice = await connect(running, ALICE);
    const call = alice.client.callTool({ name: "run_command", arguments: { command: "rm -rf build" } });
    const requestId = await alice.asked;

    const accept = { jsonrpc: "2.0", id: requestId, result: { action: "accept", content: {} } };
    expect(await post(running, BOB, alice.sessionId, accept)).toBe(404);
    expect(await post(running, BOB, alice.sessionId, { jsonrpc: "2.0", id: 9, method: "tools/list" })).toBe(404);
    expect(existsSync(path.join(workspace, "build"))).toBe(true);

    // The owner's own answer on the same session is taken, so the refusal above was about the client.
    expect(await post(running, ALICE, alice.sessionId, { jsonrpc: "2.0", id: requestId, result: { action: "decline" } })).toBe(202);
    expect(runCommandOutputSchema.parse((await call).structuredContent)).toMatchObject({ ran: false, approval: "declined" });
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
    await alice.client.close();
  });

  it("are capped: the least recently used idle session is closed for a new one", async () => {
    const running = await start({ maxSessions: 2, maxSessionsPerClient: 2, idleMs: 60_000 });
    const first = await connect(running, ALICE);
    const second = await connect(running, ALICE);
    await second.client.listTools();
    const third = await connect(running, BOB);
    expect(running.sessionCount()).toBe(2);
    await expect(first.client.listTools()).rejects.toThrow();
    await expect(second.client.listTools()).resolves.toBeDefined();
    await expect(third.client.listTools()).resolves.toBeDefined();
    await Promise.all([second.client.close(), third.client.close()]);
  });

  it("refuse a new session rather than close one whose call is waiting", async () => {
    const running = await start({ maxSessions: 1, maxSessionsPerClient: 1, idleMs: 60_000 });
    const busy = await connect(running, ALICE);
    void busy.client.callTool({ name: "run_command", arguments: { command: "rm -rf build" } }).catch(() => {});
    await busy.asked;
    expect(await post(running, ALICE, undefined, initialize)).toBe(503);
    expect(running.sessionCount()).toBe(1);
  });

  it("are capped per client: one client's busy sessions cannot lock another out", async () => {
    const running = await start({ maxSessions: 3, maxSessionsPerClient: 2, idleMs: 60_000 });
    for (let i = 0; i < 2; i++) {
      const busy = await connect(running, ALICE);
      void busy.client.callTool({ name: "run_command", arguments: { command: "rm -rf build" } }).catch(() => {});
      await busy.asked;
    }
    // Alice is at her own cap with every session waiting: her next one is refused, Bob's is not.
    expect(await post(running, ALICE, undefined, initialize)).toBe(503);
    const bob = await connect(running, BOB);
    await expect(bob.client.listTools()).resolves.toBeDefined();
    expect(running.sessionCount()).toBe(3);
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
  });

  it("expire when idle, but not while a question is waiting", async () => {
    const running = await start({ maxSessions: 8, maxSessionsPerClient: 8, idleMs: 150 });
    const idle = await connect(running, ALICE);
    const waiting = await connect(running, BOB);
    void waiting.client.callTool({ name: "run_command", arguments: { command: "rm -rf build" } }).catch(() => {});
    await waiting.asked;
    // Both sessions have been idle-eligible as long: the idle one closes, the waiting one stays and still answers.
    await vi.waitFor(() => expect(running.sessionCount()).toBe(1), { timeout: 5_000, interval: 20 });
    await expect(idle.client.listTools()).rejects.toThrow();
    await expect(waiting.client.listTools()).resolves.toBeDefined();
    expect(running.sessionCount()).toBe(1);
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
  });
});
