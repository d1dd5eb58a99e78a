/**
 * Approvals that outlive the process (2026-07-28): a question asked by one `node mcp-server/stdio.ts` is
 * answered to another one started later with the same SHELL_REQUEST_STATE_KEY and SHELL_STATE_DIR, exactly once.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accept, connectModernStdio, type ModernOutcome } from "./testing/modern-client.ts";

const KEY = "k".repeat(40);
const RM = "rm -rf build";
let scratch: string;
let workspace: string;
const opened: Array<() => Promise<void>> = [];

beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "shell-durable-"));
  workspace = path.join(scratch, "workspace");
  mkdirSync(path.join(workspace, "build"), { recursive: true });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
  rmSync(scratch, { recursive: true, force: true });
});

async function start(key = KEY) {
  const server = await connectModernStdio({
    WORKSPACE_DIR: workspace,
    SHELL_REQUEST_STATE_KEY: key,
    SHELL_STATE_DIR: path.join(scratch, "state"),
  });
  opened.push(server.close);
  return server;
}

function stateOf(outcome: ModernOutcome): string {
  if (outcome.kind !== "input_required") throw new Error("expected input_required");
  return outcome.requestState;
}

const build = () => existsSync(path.join(workspace, "build"));

describe("approvals across server processes", () => {
  it("a new process with the same key and state dir runs an approval minted by the old one, once", async () => {
    const first = await start();
    const requestState = stateOf(await first.call({ command: RM }));
    await first.close();

    const second = await start();
    expect(await second.call({ command: RM, requestState, inputResponses: accept() })).toMatchObject({
      kind: "result",
      output: { ran: true },
    });
    expect(build()).toBe(false);
    await second.close();

    mkdirSync(path.join(workspace, "build"));
    const third = await start();
    const replay = await third.call({ command: RM, requestState, inputResponses: accept() });
    expect(replay).toMatchObject({ kind: "result", output: { ran: false, summary: "Not run: this approval was already used." } });
    expect(build()).toBe(true);
  });

  it("a process with another key refuses the state", async () => {
    const first = await start();
    const requestState = stateOf(await first.call({ command: RM }));
    await first.close();
    const other = await start("o".repeat(40));
    const refused = await other.call({ command: RM, requestState, inputResponses: accept() });
    expect(refused).toMatchObject({ kind: "result", output: { ran: false, approval: "cancelled", summary: /not valid here/ } });
    expect(build()).toBe(true);
  });

  it("without a key, a restart makes pending approvals invalid", async () => {
    const first = await connectModernStdio({ WORKSPACE_DIR: workspace });
    opened.push(first.close);
    const requestState = stateOf(await first.call({ command: RM }));
    await first.close();
    const second = await connectModernStdio({ WORKSPACE_DIR: workspace });
    opened.push(second.close);
    expect(await second.call({ command: RM, requestState, inputResponses: accept() })).toMatchObject({ output: { ran: false } });
    expect(build()).toBe(true);
  });

  it("exits when stdin closes with an approval pending, and never runs it", async () => {
    const server = await start();
    const pid = server.pid();
    expect(pid).toBeGreaterThan(0);
    stateOf(await server.call({ command: RM }));
    await server.close();
    await expect.poll(() => alive(pid!), { timeout: 5_000 }).toBe(false);
    expect(build()).toBe(true);
  });

  it("refuses to start with a key but no state dir", async () => {
    await expect(connectModernStdio({ WORKSPACE_DIR: workspace, SHELL_REQUEST_STATE_KEY: KEY })).rejects.toThrow();
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
