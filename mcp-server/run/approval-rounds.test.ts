/**
 * run_command on the 2026-07-28 protocol: a command that needs approval ENDS the call with `input_required`,
 * and only a faithful retry of that call, once, within the TTL, with an accept, runs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFromEnv, type ShellServerConfig } from "../config.ts";
import { COMMAND_META_KEY, CONVERSATION_META_KEY, CORRELATION_META_KEY, RISK_META_KEY } from "../contract.ts";
import { approvalStatesFor } from "../server.ts";
import { accept, connectModernInMemory, type ModernOutcome } from "../testing/modern-client.ts";

let workspace: string;
let config: ShellServerConfig;
const opened: Array<() => Promise<void>> = [];

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-modern-"));
  mkdirSync(path.join(workspace, "build"));
  config = configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
  rmSync(workspace, { recursive: true, force: true });
});

async function connect(options: { canElicit?: boolean; on?: ShellServerConfig } = {}) {
  const connection = await connectModernInMemory(options.on ?? config, options);
  opened.push(connection.close);
  return connection.call;
}

function question(outcome: ModernOutcome) {
  if (outcome.kind !== "input_required") throw new Error(`expected input_required, got ${JSON.stringify(outcome.output)}`);
  return outcome;
}

function output(outcome: ModernOutcome) {
  if (outcome.kind !== "result") throw new Error("expected a result, got input_required");
  return outcome.output;
}

const build = () => existsSync(path.join(workspace, "build"));
const RM = "rm -rf build";

describe("run_command on 2026-07-28", () => {
  it("ends a call needing approval with input_required: the form, the command's meta, a state; nothing runs", async () => {
    const call = await connect();
    const asked = question(await call({ command: RM, _meta: { [CORRELATION_META_KEY]: "run-7" } }));
    const form = asked.inputRequests.approval;
    expect(form?.method).toBe("elicitation/create");
    expect(form?.params).toMatchObject({
      mode: "form",
      message: "Run `rm -rf build`? It deletes files: rm -rf build.",
      requestedSchema: { type: "object", properties: { command: { default: RM }, remember: { default: "once" } } },
      _meta: { [COMMAND_META_KEY]: RM, [RISK_META_KEY]: "deletes files: rm -rf build", [CORRELATION_META_KEY]: "run-7" },
    });
    expect(asked.requestState).toMatch(/^v1\./);
    expect(build()).toBe(true);
  });

  it("runs once on a retry with accept; the same state again is refused as already used", async () => {
    const call = await connect();
    const { requestState } = question(await call({ command: RM }));
    expect(output(await call({ command: RM, requestState, inputResponses: accept() }))).toMatchObject({
      ran: true,
      approval: "approved",
      exitCode: 0,
    });
    expect(build()).toBe(false);

    mkdirSync(path.join(workspace, "build"));
    const replay = output(await call({ command: RM, requestState, inputResponses: accept() }));
    expect(replay).toMatchObject({ ran: false, approval: "cancelled", summary: "Not run: this approval was already used." });
    expect(build()).toBe(true);
  });

  it("takes the retry on another connection of the same process", async () => {
    const { requestState } = question(await (await connect())({ command: RM }));
    const other = await connect();
    expect(output(await other({ command: RM, requestState, inputResponses: accept() }))).toMatchObject({ ran: true });
  });

  it.each([
    ["decline", "declined", "Not run: the person declined."],
    ["cancel", "cancelled", "Not run: the approval was cancelled."],
  ] as const)("does not run on a retry with %s", async (action, approval, summary) => {
    const call = await connect();
    const { requestState } = question(await call({ command: RM }));
    expect(output(await call({ command: RM, requestState, inputResponses: { approval: { action } } }))).toMatchObject({
      ran: false,
      approval,
      summary,
    });
    expect(build()).toBe(true);
  });

  it("does not run on a retry that carries no answer, and the state is used up", async () => {
    const call = await connect();
    const { requestState } = question(await call({ command: RM }));
    expect(output(await call({ command: RM, requestState }))).toMatchObject({ ran: false, approval: "cancelled" });
    expect(output(await call({ command: RM, requestState, inputResponses: accept() }))).toMatchObject({
      ran: false,
      summary: /already used/,
    });
    expect(build()).toBe(true);
  });

  it("refuses a tampered state (one byte flipped), and the genuine one still works after", async () => {
    const call = await connect();
    const { requestState } = question(await call({ command: RM }));
    for (const at of [5, requestState.length - 3]) {
      const flipped = requestState.slice(0, at) + (requestState[at] === "A" ? "B" : "A") + requestState.slice(at + 1);
      const refused = output(await call({ command: RM, requestState: flipped, inputResponses: accept() }));
      expect(refused).toMatchObject({ ran: false, approval: "cancelled", summary: /not valid here/ });
    }
    expect(build()).toBe(true);
    expect(output(await call({ command: RM, requestState, inputResponses: accept() }))).toMatchObject({ ran: true });
  });

  it("refuses a state past its TTL", async () => {
    let now = Date.now();
    approvalStatesFor(config, () => now);
    const call = await connect();
    const { requestState } = question(await call({ command: RM }));
    now += config.approvals.ttlSeconds * 1000 + 1;
    expect(output(await call({ command: RM, requestState, inputResponses: accept() }))).toMatchObject({
      ran: false,
      approval: "cancelled",
      summary: "Not run: this approval expired; ask again.",
    });
    expect(build()).toBe(true);
  });

  it.each([
    ["another command", { command: "rm -rf /" }],
    ["another timeout", { command: RM, timeoutMs: 5 }],
    ["another conversation", { command: RM, _meta: { [CONVERSATION_META_KEY]: "conv-b" } }],
  ])("refuses a retry with %s, without using the state up", async (_what, swapped) => {
    const call = await connect();
    const first = { command: RM, _meta: { [CONVERSATION_META_KEY]: "conv-a" } };
    const { requestState } = question(await call(first));
    const refused = output(await call({ ...swapped, requestState, inputResponses: accept() }));
    expect(refused).toMatchObject({ ran: false, approval: "cancelled", summary: /does not match this call/ });
    expect(build()).toBe(true);
    expect(output(await call({ ...first, requestState, inputResponses: accept() }))).toMatchObject({ ran: true });
  });

  it("re-classifies an edited command: edited to a denied one, it does not run", async () => {
    const denyConfig = configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH, SHELL_POLICY: policyDenyingTouch() });
    const call = await connect({ on: denyConfig });
    const { requestState } = question(await call({ command: RM }));
    const result = output(await call({ command: RM, requestState, inputResponses: accept({ command: "touch pwned" }) }));
    expect(result).toMatchObject({ ran: false, approval: "denied", edited: true, command: "touch pwned" });
    expect(build()).toBe(true);
    expect(existsSync(path.join(workspace, "pwned"))).toBe(false);
  });

  it("runs the edited command when it is allowed, and says so", async () => {
    const call = await connect();
    const { requestState } = question(await call({ command: RM }));
    const result = output(await call({ command: RM, requestState, inputResponses: accept({ command: "touch made" }) }));
    expect(result).toMatchObject({ ran: true, edited: true, command: "touch made", proposedCommand: RM });
    expect(existsSync(path.join(workspace, "made"))).toBe(true);
    expect(build()).toBe(true);
  });

  it("remembers an approval given on a retry, for later calls of the same conversation", async () => {
    const call = await connect();
    const meta = { [CONVERSATION_META_KEY]: "conv-r" };
    const { requestState } = question(await call({ command: "touch a", _meta: meta }));
    await call({ command: "touch a", _meta: meta, requestState, inputResponses: accept({ remember: "command" }) });
    expect(output(await call({ command: "touch a", _meta: meta }))).toMatchObject({ ran: true, approval: "remembered" });
    expect((await call({ command: "touch a", _meta: { [CONVERSATION_META_KEY]: "conv-other" } })).kind).toBe("input_required");
  });

  it("runs read-only commands at once", async () => {
    const call = await connect();
    expect(output(await call({ command: "ls" }))).toMatchObject({
      ran: true,
      approval: "not_required",
      stdout: expect.stringContaining("build"),
    });
  });

  it("answers unavailable, never input_required, when the request's capabilities cannot elicit", async () => {
    const call = await connect({ canElicit: false });
    const result = await call({ command: RM });
    expect(result).toMatchObject({ kind: "result", isError: true, output: { ran: false, approval: "unavailable" } });
  });

  it("lets a deny rule added since the question win over the accept", async () => {
    const { requestState } = question(await (await connect())({ command: "touch late" }));
    // The same key and nonce record, a policy that now denies touch: as if the server restarted with it.
    const later = {
      ...configFromEnv({ WORKSPACE_DIR: workspace, PATH: process.env.PATH, SHELL_POLICY: policyDenyingTouch() }),
      approvals: config.approvals,
    };
    approvalStatesFor(later);
    const result = output(await (await connect({ on: later }))({ command: "touch late", requestState, inputResponses: accept() }));
    expect(result).toMatchObject({ ran: false, approval: "denied" });
    expect(existsSync(path.join(workspace, "late"))).toBe(false);
  });
});

function policyDenyingTouch(): string {
  const file = path.join(workspace, "policy.json");
  writeFileSync(file, JSON.stringify({ deny: ["touch"] }));
  return file;
}
