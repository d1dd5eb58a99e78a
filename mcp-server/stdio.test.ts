/**
 * The server as clients really run it: a separate Node process on stdio (the way the app and Claude Desktop
 * spawn it), driven by the official MCP client.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommandOutputSchema } from "./contract.ts";
import { connectStdio } from "./testing/test-client.ts";

let workspace: string;
let client: Client | undefined;

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-stdio-"));
  mkdirSync(path.join(workspace, "build"));
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  rmSync(workspace, { recursive: true, force: true });
});

async function connect(answer?: ElicitResult["action"]) {
  client = await connectStdio(workspace, answer);
  return async (command: string) => {
    const result = await client!.callTool({ name: "run_command", arguments: { command } });
    return runCommandOutputSchema.parse(result.structuredContent);
  };
}

describe("shell MCP server over stdio", () => {
  it("lists run_command with input and output schemas", async () => {
    await connect("decline");
    const { tools } = await client!.listTools();
    expect(tools.map((t) => t.name)).toEqual(["run_command", "list_rules", "revoke_rule"]);
    expect(tools[0]?.inputSchema.required).toEqual(["command"]);
    expect(tools[0]?.outputSchema).toBeDefined();
  });

  it("runs rm after accept", async () => {
    const run = await connect("accept");
    expect(await run("rm -rf build")).toMatchObject({ ran: true, approval: "approved", exitCode: 0 });
    expect(existsSync(path.join(workspace, "build"))).toBe(false);
  });

  it.each(["decline", "cancel"] as const)("does not run rm after %s", async (action) => {
    const run = await connect(action);
    expect(await run("rm -rf build")).toMatchObject({ ran: false });
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
  });

  it("refuses rm when the client has no elicitation capability", async () => {
    const run = await connect();
    const output = await run("rm -rf build");
    expect(output).toMatchObject({ ran: false, approval: "unavailable" });
    expect(output.summary).toContain("cannot ask a person");
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
  });

  it("runs commands with a minimal environment", async () => {
    const run = await connect("accept");
    const output = await run("env");
    expect(output.stdout).toContain("PAGER=cat");
    expect(output.stdout).not.toContain("WORKSPACE_DIR");
  });
});

describe("the documented stdio command for other clients", () => {
  it("writes nothing but protocol messages to stdout", async () => {
    const script = path.resolve(import.meta.dirname, "..", "scripts", "mcp-stdio.sh");
    const child = spawn(script, [], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", WORKSPACE_DIR: workspace } as Record<string, string> as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "ignore"],
    });
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    };
    child.stdin.end(`${JSON.stringify(initialize)}\n`);
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    await new Promise((resolve) => child.on("close", resolve));
    const lines = stdout.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    // Every line is a JSON-RPC message: a banner or log line here would break any client's parser.
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: 1, result: { serverInfo: { name: "elicit-chat-shell" } } });
  });
});
