/**
 * A save that resolved is on disk: a child process saving conversations in a loop is killed with SIGKILL (no
 * chance to flush or close), and every save it had acknowledged is in the database afterwards.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, expect, it } from "vitest";
import { SqlConversationStore } from "./conversation-store";
import { openDatabase, type Database } from "./open-database";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const WRITER = path.join(ROOT, "testing/fixtures/conversation-writer.ts");
/** Enough acknowledged saves that the kill lands in the middle of the loop, not before it starts. */
const ACKNOWLEDGED_BEFORE_KILL = 200;

let folder: string | undefined;
let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

it("keeps every save a SIGKILLed writer acknowledged", async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-kill-"));
  const file = path.join(folder, "kill.db");
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions", "react-server", WRITER, file], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const saved = new Set<string>();
  const replied = new Set<string>();
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const outputClosed = new Promise((resolve) => child.stdout.once("close", resolve));
  let pending = "";
  await new Promise<void>((resolve, reject) => {
    child.once("exit", () => reject(new Error(`The writer exited early:\n${errors}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const [what, id] = line.split(" ");
        if (what === "saved" && id) saved.add(id);
        if (what === "replied" && id) replied.add(id);
      }
      if (saved.size >= ACKNOWLEDGED_BEFORE_KILL && !child.killed) {
        child.kill("SIGKILL");
        resolve();
      }
    });
  });
  expect(await exited).toBe("SIGKILL");
  // Lines already in the pipe when it died were acknowledged too.
  await outputClosed;

  database = openDatabase(file);
  await database.ready;
  const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
  expect(integrity.rows).toEqual([{ integrity_check: "ok" }]);
  const store = new SqlConversationStore(database);
  const missing: string[] = [];
  for (const id of saved) {
    const conversation = await store.get(id);
    const n = id.split("-")[1];
    if (conversation?.messages[0]?.id !== `message-${n}`) missing.push(id);
    if (replied.has(id) && conversation?.messages[1]?.id !== `reply-${n}`) missing.push(`${id} (its reply)`);
  }
  expect(missing).toEqual([]);
  expect(saved.size).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
}, 60_000);
