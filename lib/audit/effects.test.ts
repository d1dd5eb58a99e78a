import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunCommandOutput } from "@/mcp-server/contract";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { listAuditEntries } from "./audit-query";
import { AuditTrail } from "./audit-trail";

describe.each(SQL_STORAGE_KINDS)("audit effects (%s)", (kind) => {
  let storage: TestStorage;
  let audit: AuditTrail;
  let registry: ElicitationRegistry;
  beforeEach(async () => {
    storage = await createTestStorage(kind);
    audit = new AuditTrail(storage.writes, { log: () => {} });
    registry = new ElicitationRegistry();
    registry.observe((event) => audit.observe(event));
  });
  afterEach(() => storage.close());

  const turn = { id: "run-1", threadId: "conv-1" };

  function output(overrides: Partial<RunCommandOutput> = {}): RunCommandOutput {
    return {
      command: "rm -rf build",
      proposedCommand: "rm -rf build",
      edited: false,
      summary: "Ran: exit 0",
      ran: true,
      approval: "approved",
      exitCode: 0,
      signal: null,
      timedOut: false,
      stdout: "secret output",
      stderr: "",
      truncated: false,
      durationMs: 12,
      sandboxed: true,
      ...overrides,
    };
  }

  function ask(command: string, threadId = "conv-1") {
    return registry.open({
      threadId,
      serverName: "shell",
      message: `Run ${command}?`,
      requestedSchema: { type: "object", properties: {} },
      command,
      timeoutMs: 60_000,
      onChange: () => {},
    }).data;
  }

  async function effects() {
    await storage.writes.idle();
    const { entries } = await listAuditEntries(storage.database.db, {}, { all: true }, { limit: 100 });
    return entries.filter((e) => e.type === "ran" || e.type === "not-run").reverse();
  }

  describe("effects of the bundled server's commands", () => {
    it("records ran with the exit code, linked to the question about that command in that conversation", async () => {
      ask("rm -rf build", "conv-2");
      const question = ask("rm -rf build");
      registry.answer(question.id, { action: "accept", content: { command: "rm -rf build/x" } });
      audit.sawTurnChunk(turn, {
        type: "tool-output-available",
        toolCallId: "call-1",
        output: { structuredContent: output({ command: "rm -rf build/x", edited: true, exitCode: 3 }) },
      });
      const [ran] = await effects();
      expect(ran).toMatchObject({
        type: "ran",
        questionId: question.id,
        conversationId: "conv-1",
        serverName: "shell",
        toolName: "run_command",
        outcome: "exit 3",
      });
      expect(ran?.details).toMatchObject({
        command: "rm -rf build/x",
        proposedCommand: "rm -rf build",
        edited: true,
        exitCode: 3,
        toolCallId: "call-1",
        runId: "run-1",
      });
      expect(JSON.stringify(ran)).not.toContain("secret output");
    });

    it("records not-run after a decline, and links each question once", async () => {
      const first = ask("rm a");
      const second = ask("rm a");
      const notRun = output({ command: "rm a", proposedCommand: "rm a", ran: false, approval: "declined", exitCode: null });
      audit.sawTurnChunk(turn, { type: "tool-output-available", toolCallId: "c1", output: notRun });
      audit.sawTurnChunk(turn, { type: "tool-output-available", toolCallId: "c2", output: notRun });
      audit.sawTurnChunk(turn, { type: "tool-output-available", toolCallId: "c3", output: notRun });
      expect((await effects()).map((e) => [e.type, e.outcome, e.questionId])).toEqual([
        ["not-run", "declined", first.id],
        ["not-run", "declined", second.id],
        ["not-run", "declined", null],
      ]);
    });

    it("leaves out commands nobody was asked about, and other tools' output", async () => {
      audit.sawTurnChunk(turn, { type: "tool-output-available", toolCallId: "c1", output: output({ approval: "not_required" }) });
      audit.sawTurnChunk(turn, { type: "tool-output-available", toolCallId: "c2", output: { content: [{ type: "text", text: "hi" }] } });
      audit.sawTurnChunk(turn, { type: "text-delta", id: "t", delta: "exit 0" });
      expect(await effects()).toEqual([]);
    });

    it("records a command that ran under a remembered approval, with no question", async () => {
      audit.sawTurnChunk(turn, {
        type: "tool-output-available",
        toolCallId: "c1",
        output: output({ approval: "remembered", timedOut: true, exitCode: null }),
      });
      expect((await effects()).map((e) => [e.type, e.outcome, e.questionId])).toEqual([["ran", "timed out", null]]);
    });
  });
});
