import { RequestContext } from "@mastra/core/request-context";
import { describe, expect, it } from "vitest";
import { CONVERSATION_META_KEY, CORRELATION_META_KEY } from "@/mcp-server/contract";
import { ChatTurns } from "@/lib/chat/turns";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { RUN_ID_CONTEXT_KEY, routeToolCalls, type Toolsets } from "./route-tool-calls";
import { ToolApprovalMemory } from "./tool-approval-memory";

/** A stand-in for an MCP server's tools: each records the arguments and `_meta` it was really called with. */
function fakeServer(annotations: Record<string, Record<string, unknown> | undefined>) {
  const calls: Array<{ tool: string; input: unknown; meta: Record<string, unknown> }> = [];
  const tools = Object.fromEntries(
    Object.entries(annotations).map(([tool, hints]) => [
      tool,
      {
        id: tool,
        description: `The ${tool} tool`,
        mcp: hints && { annotations: hints },
        execute: async (input: unknown, context: { _meta: Record<string, unknown> }) => {
          calls.push({ tool, input, meta: context._meta });
          return { content: [{ type: "text", text: "done" }] };
        },
      },
    ]),
  );
  return { tools, calls };
}

function setup(gates: Parameters<typeof routeToolCalls>[1]["gates"] = {}) {
  const turns = new ChatTurns(60_000);
  const registry = new ElicitationRegistry();
  const shell = fakeServer({ run_command: { destructiveHint: true } });
  const db = fakeServer({ read: { readOnlyHint: true }, drop: { destructiveHint: true }, secret: { readOnlyHint: true } });
  const toolsets = { shell: shell.tools, db: db.tools } as unknown as Toolsets;
  const routed = routeToolCalls(toolsets, { turns, registry, timeoutMs: 60_000, gates, approvals: new ToolApprovalMemory() });
  const run = turns.open("thread-x");
  const requestContext = new RequestContext();
  requestContext.set(RUN_ID_CONTEXT_KEY, run.id);
  const call = (name: string, input: unknown, context: object = { requestContext }) =>
    (routed[name]!.execute as unknown as (input: unknown, context: object) => Promise<unknown>)(input, context);
  return { routed, call, registry, run, shell, db };
}

describe("routeToolCalls", () => {
  it("offers every tool as server_tool except those in the server's denyTools", () => {
    const { routed } = setup({ db: { denyTools: ["secret"] } });
    expect(Object.keys(routed).sort()).toEqual(["db_drop", "db_read", "shell_run_command"]);
  });

  it("passes the bundled shell server's calls through (it asks by itself), with run and conversation ids in _meta", async () => {
    const { call, shell, registry, run } = setup();
    await call("shell_run_command", { command: "rm -rf x" });
    expect(registry.listPending()).toEqual([]);
    expect(shell.calls).toEqual([
      {
        tool: "run_command",
        input: { command: "rm -rf x" },
        meta: { [CORRELATION_META_KEY]: run.id, [CONVERSATION_META_KEY]: "thread-x" },
      },
    ]);
  });

  it("holds a destructive call of another server until the card is accepted, then calls with the accepted arguments", async () => {
    const { call, db, registry } = setup();
    const result = call("db_drop", { name: "prod" });
    await Promise.resolve();
    const [card] = registry.listPending("thread-x");
    expect(card).toMatchObject({ kind: "tool-call", serverName: "db", toolCall: { toolName: "drop", arguments: { name: "prod" } } });
    expect(db.calls).toEqual([]);
    registry.answer(card!.id, { action: "accept", arguments: { name: "dev" } });
    await result;
    expect(db.calls.map((c) => c.input)).toEqual([{ name: "dev" }]);
  });

  it("never calls a tool that needs approval when there is no conversation to ask in", async () => {
    const { call, db } = setup();
    const result = await call("db_drop", { name: "prod" }, {});
    expect(JSON.stringify(result)).toContain("there is no conversation to ask in");
    expect(db.calls).toEqual([]);
  });

  it("uses the settings it is given, by server name only", async () => {
    const { call, db, registry } = setup({ db: { allowTools: ["drop"] }, other: { approve: "never" } });
    await call("db_drop", { name: "prod" });
    expect(db.calls).toHaveLength(1);
    expect(registry.listPending()).toEqual([]);
  });

  it("does not call an accepted tool when the turn was stopped before the call, and says so on the card", async () => {
    const { call, db, registry, run } = setup();
    const result = call("db_drop", { name: "prod" });
    await Promise.resolve();
    const [card] = registry.listPending("thread-x");
    registry.answer(card!.id, { action: "accept" });
    run.stop("stopped by the person");
    expect(JSON.stringify(await result)).toContain("the turn was stopped before the call");
    expect(db.calls).toEqual([]);
    expect(registry.lookup(card!.id)).toMatchObject({
      settled: { status: "accepted", result: { called: false, summary: "the turn was stopped before the call" } },
    });
  });

  it("remembers 'always allow' only when the card offered it", async () => {
    const { call, db, registry } = setup({ db: { approve: "always" } });
    const first = call("db_drop", { name: "a" });
    await Promise.resolve();
    registry.answer(registry.listPending("thread-x")[0]!.id, { action: "accept", remember: true });
    await first;
    const second = call("db_drop", { name: "b" });
    await Promise.resolve();
    expect(registry.listPending("thread-x")).toHaveLength(1);
    registry.answer(registry.listPending("thread-x")[0]!.id, { action: "decline" });
    await second;
    expect(db.calls.map((c) => c.input)).toEqual([{ name: "a" }]);
  });
});
