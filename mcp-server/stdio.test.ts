/**
 * The server as clients really run it: a separate Node process on stdio (the way the app and Claude Desktop
 * spawn it), driven by the official MCP client.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommandOutputSchema } from "./contract.ts";
import { connectStdio } from "./test-client.ts";

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
