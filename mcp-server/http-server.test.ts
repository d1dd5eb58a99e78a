import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv } from "./config.ts";
import { runCommandOutputSchema } from "./contract.ts";
import { startHttpServer, type RunningHttpServer } from "./http-server.ts";

const TOKEN = "test-token-5521-0123456789";
let workspace: string;
let server: RunningHttpServer;
const config = () => configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH });

beforeAll(async () => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-http-"));
  server = await startHttpServer({ config: config(), port: 0, token: TOKEN });
});
afterAll(async () => {
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
});

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

/** A raw request, so the test controls Host and Origin exactly. */
function post(headers: Record<string, string>, pathname = "/mcp"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          host: `127.0.0.1:${server.port}`,
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(INITIALIZE);
  });
}

async function connect(token: string) {
  const client = new Client({ name: "http-test", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  return client;
}

describe("HTTP server", () => {
  it("serves MCP to a client with the token, one session per client", async () => {
    const [a, b] = await Promise.all([connect(TOKEN), connect(TOKEN)]);
    const result = await a.callTool({ name: "run_command", arguments: { command: "pwd" } });
    expect(runCommandOutputSchema.parse(result.structuredContent)).toMatchObject({ ran: true, exitCode: 0 });
    expect(server.sessionCount()).toBe(2);
    await Promise.all([a.close(), b.close()]);
  });

  it.each([
    ["no token", {}, 401],
    ["a wrong token", { authorization: "Bearer nope" }, 401],
    ["a foreign Host", { authorization: `Bearer ${TOKEN}`, host: "evil.example.com" }, 403],
    ["a foreign Host with our port", { authorization: `Bearer ${TOKEN}`, host: "evil.example.com:3333" }, 403],
    ["a foreign Origin", { authorization: `Bearer ${TOKEN}`, origin: "http://evil.example.com" }, 403],
    ["an https Origin on our port", { authorization: `Bearer ${TOKEN}`, origin: "https://127.0.0.1:1" }, 403],
  ])("rejects a request with %s", async (_what, headers, status) => {
    expect(await post(headers)).toBe(status);
  });

  it("accepts our own Origin and localhost as Host", async () => {
    expect(
      await post({ authorization: `Bearer ${TOKEN}`, host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` }),
    ).toBe(200);
  });

  it("answers 404 off /mcp", async () => {
    expect(await post({ authorization: `Bearer ${TOKEN}` }, "/other")).toBe(404);
  });

  it("refuses a token short enough to guess", async () => {
    await expect(startHttpServer({ config: config(), port: 0, token: "short-token" })).rejects.toThrow(/shorter than 16/);
    await expect(startHttpServer({ config: config(), port: 0, tokens: { ci: "x".repeat(15) } })).rejects.toThrow(/"ci" is shorter/);
  });

  it("refuses to start without a token unless local-only is explicit", async () => {
    await expect(startHttpServer({ config: config(), port: 0 })).rejects.toThrow(/MCP_HTTP_TOKEN/);
    const warnings: string[] = [];
    const local = await startHttpServer({ config: config(), port: 0, localOnly: true, log: (m) => warnings.push(m) });
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(warnings.join("\n")).toContain("WARNING");
    await local.close();
  });
});
