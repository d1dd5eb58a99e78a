import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MastraCompositeStore } from "@mastra/core/storage";
import type { WorkflowRunState } from "@mastra/core/workflows";
import { afterEach, describe, expect, it } from "vitest";
import { havePostgres } from "@/testing/postgres";
import { testPostgres } from "@/testing/test-storage";
import { runsFile, runStorage } from "./run-storage";

const stores: MastraCompositeStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await (store as { close?: () => Promise<void> }).close?.();
});

function snapshot(runId: string): WorkflowRunState {
  return {
    runId,
    status: "suspended",
    value: {},
    context: {} as WorkflowRunState["context"],
    serializedStepGraph: [],
    activePaths: [],
    activeStepsPath: {},
    suspendedPaths: { "tool-step": [0] },
    resumeLabels: {},
    waitingPaths: {},
    timestamp: 1_750_000_000_000,
  };
}

describe("run storage", () => {
  it("on SQLite, keeps runs in a file beside the database", () => {
    expect(runsFile("/data/elicit-chat.db")).toBe("/data/elicit-chat.runs.db");
    expect(() => runsFile("postgres://db/chat")).toThrow(/Postgres/);
  });

  it.skipIf(!havePostgres())("on Postgres, a run one instance suspended is loaded by another", async () => {
    const url = await (await testPostgres()).newDatabase();
    const [a, b] = [runStorage({ databaseUrl: url, inMemory: false, poolMax: 2 }), runStorage({ databaseUrl: url, inMemory: false })];
    stores.push(a, b);
    expect(a.constructor.name).toBe("PostgresStore");
    await a.init();
    await (await a.getStore("workflows"))!.persistWorkflowSnapshot({ workflowName: "chat", runId: "run-1", snapshot: snapshot("run-1") });
    await b.init();
    const loaded = await (await b.getStore("workflows"))!.loadWorkflowSnapshot({ workflowName: "chat", runId: "run-1" });
    expect(loaded).toMatchObject({ runId: "run-1", status: "suspended", suspendedPaths: { "tool-step": [0] } });
  });

  it("on SQLite, a run one process suspended is loaded by the next", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-runs-"));
    try {
      const url = path.join(folder, "app.db");
      const first = runStorage({ databaseUrl: url, inMemory: false });
      await first.init();
      await (await first.getStore("workflows"))!.persistWorkflowSnapshot({ workflowName: "chat", runId: "r", snapshot: snapshot("r") });
      const next = runStorage({ databaseUrl: url, inMemory: false });
      await next.init();
      expect(await (await next.getStore("workflows"))!.loadWorkflowSnapshot({ workflowName: "chat", runId: "r" })).toMatchObject({
        runId: "r",
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
