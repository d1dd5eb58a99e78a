import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMAND_META_KEY, CORRELATION_META_KEY, RISK_META_KEY } from "./contract.ts";
import { closeConnections, connectInMemory, type Answer } from "./testing/test-client.ts";

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-mcp-"));
  mkdirSync(path.join(workspace, "build"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(closeConnections);

const connect = (answer?: Answer) => connectInMemory({ WORKSPACE_DIR: workspace }, answer);

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
    const output = await run("rm -rf build", { _meta: { [CORRELATION_META_KEY]: "run-42" } });
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
    const { run, close } = await connectInMemory({ WORKSPACE_DIR: workspace, COMMAND_MAX_TIMEOUT_MS: "300" }, () => ({
      action: "accept",
      content: {},
    }));
    const started = Date.now();
    const output = await run("sleep 5; touch late");
    expect(output.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(existsSync(path.join(workspace, "late"))).toBe(false);
    await close();
  });
});
