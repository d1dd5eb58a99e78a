import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFromEnv } from "./config.ts";
import { COMMAND_META_KEY, CORRELATION_META_KEY, RISK_META_KEY, runCommandOutputSchema } from "./contract.ts";
import { createServer } from "./server.ts";

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-mcp-"));
  mkdirSync(path.join(workspace, "build"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

async function connect(answer?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>) {
  const server = createServer(configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH }));
  const client = new Client({ name: "test", version: "1" }, { capabilities: answer ? { elicitation: { form: {} } } : {} });
  const asked: ElicitRequest[] = [];
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request);
      return answer(request);
    });
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  const run = async (command: string, _meta?: Record<string, unknown>) => {
    const result = await client.callTool({ name: "run_command", arguments: { command }, _meta });
    return runCommandOutputSchema.parse(result.structuredContent);
  };
  return { run, asked, close: () => Promise.all([client.close(), server.close()]) };
}

describe("shell MCP server", () => {
  it("runs a read-only command at once without asking", async () => {
    const { run, asked, close } = await connect(() => ({ action: "decline" }));
    const output = await run("ls -la");
    expect(output).toMatchObject({ ran: true, approval: "not_required", exitCode: 0 });
    expect(output.stdout).toContain("build");
    expect(asked).toHaveLength(0);
    await close();
  });

  it("asks before rm and runs it after accept, echoing the correlation id", async () => {
    const { run, asked, close } = await connect(() => ({ action: "accept", content: {} }));
    const output = await run("rm -rf build", { [CORRELATION_META_KEY]: "run-42" });
    expect(output).toMatchObject({ ran: true, approval: "approved", exitCode: 0, risk: "deletes files: rm -rf build" });
    expect(existsSync(path.join(workspace, "build"))).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.params._meta).toMatchObject({
      [CORRELATION_META_KEY]: "run-42",
      [COMMAND_META_KEY]: "rm -rf build",
      [RISK_META_KEY]: "deletes files: rm -rf build",
    });
    await close();
  });

  it.each([
    ["decline", "declined"],
    ["cancel", "cancelled"],
  ] as const)("does not run after %s", async (action, approval) => {
    const { run, close } = await connect(() => ({ action }));
    const output = await run("rm -rf build");
    expect(output).toMatchObject({ ran: false, approval, exitCode: null });
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
    await close();
  });

  it("refuses, never runs, when the client cannot elicit", async () => {
    const { run, close } = await connect();
    const output = await run("rm -rf build");
    expect(output).toMatchObject({ ran: false, approval: "unavailable" });
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
    await close();
  });

  it("does not run when the client's handler fails", async () => {
    const { run, close } = await connect(() => {
      throw new Error("handler crashed");
    });
    const output = await run("rm -rf build");
    expect(output).toMatchObject({ ran: false, approval: "failed" });
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
    await close();
  });

  it("kills a command that runs past its timeout", async () => {
    const server = createServer(
      configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH, COMMAND_MAX_TIMEOUT_MS: "300" }),
    );
    const client = new Client({ name: "test", version: "1" }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: "accept", content: {} }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    const started = Date.now();
    const result = await client.callTool({ name: "run_command", arguments: { command: "sleep 5; touch late" } });
    const output = runCommandOutputSchema.parse(result.structuredContent);
    expect(output.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(existsSync(path.join(workspace, "late"))).toBe(false);
    await Promise.all([client.close(), server.close()]);
  });
});
