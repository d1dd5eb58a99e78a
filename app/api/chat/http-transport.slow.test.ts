/**
 * The chat app driving the shell server over Streamable HTTP (`npm run mcp:http`), configured in mcp.json with its
 * bearer token: the same approval flow as over stdio, through a conversation's own HTTP session.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { configFromEnv } from "@/mcp-server/config";
import { startHttpServer, type RunningHttpServer } from "@/mcp-server/http-server";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";

const TOKEN = "chat-http-test-token-7731";
let dir: string;
let workspace: string;
let server: RunningHttpServer;

beforeAll(async () => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-http-workspace-"));
  server = await startHttpServer({ config: configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH }), port: 0, token: TOKEN });
  // The shell server asks for itself, per command: trusting it ("never") keeps the client's own gate out of the way.
  dir = useMcpConfig({ "shell-http": { url: server.url, headers: { Authorization: `Bearer ${TOKEN}` }, approve: "never" } });
});
afterAll(async () => {
  await forgetMcpConfig(dir);
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
});

it("asks over HTTP, runs after accept, and only in the HTTP server's workspace", async () => {
  mkdirSync(path.join(workspace, "build-http"));
  const stream = await chat('use `shell-http.run_command` {"command": "rm -rf build-http"}', { threadId: "thread-http" });
  const card = cardOf(await stream.waitFor(isCard("pending")));
  expect(card).toMatchObject({ serverName: "shell-http", command: "rm -rf build-http" });
  expect(existsSync(path.join(workspace, "build-http"))).toBe(true);
  await answer(card.id, { action: "accept", content: {} });
  const output = await stream.waitFor(isToolOutput);
  expect(output.output).toMatchObject({ ran: true, approval: "approved", exitCode: 0 });
  await stream.readToEnd();
  expect(existsSync(path.join(workspace, "build-http"))).toBe(false);
});
