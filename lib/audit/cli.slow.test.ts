import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, type TestStorage } from "@/testing/test-storage";
import { AuditTrail } from "./audit-trail";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/** `npm run audit -- ...` as the package script runs it, against the test's database. */
async function audit(storage: TestStorage, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = [process.execPath, "--conditions=react-server", "--import", "tsx", "scripts/audit.ts", ...args];
  try {
    const { stdout, stderr } = await run(command[0]!, command.slice(1), { cwd: ROOT, env: { ...process.env, DATABASE_URL: storage.file } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let storage: TestStorage;
beforeEach(async () => {
  storage = await createTestStorage();
  const trail = new AuditTrail(storage.writes, { log: () => {} });
  for (const actor of ["ann", "bob", "cy"]) await trail.record({ type: "answered", actor, serverName: "shell", outcome: "accepted" });
});
afterEach(() => storage.close());

describe("npm run audit", () => {
  it("verify: exit 0 with the count; exit 1 naming the entry changed with SQL", async () => {
    expect(await audit(storage, "verify")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^verified 3 entries/) });
    await sql`UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2`.execute(storage.database.db);
    const broken = await audit(storage, "verify");
    expect(broken).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("entry 2 does not match: its hash does not match its content"),
    });
  });

  it("export: CSV and JSON Lines of the matching entries on stdout; a bad format is refused", async () => {
    const csv = await audit(storage, "export", "--format", "csv", "--actor", "bob");
    expect(csv.code).toBe(0);
    expect(
      csv.stdout
        .trim()
        .split("\r\n")
        .map((line) => line.split(",").slice(0, 6).join(",")),
    ).toEqual(["seq,at,type,questionId,conversationId,actor", expect.stringMatching(/^2,\d+,answered,,,bob$/)]);
    const jsonl = await audit(storage, "export", "--format", "jsonl");
    expect(
      jsonl.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).actor),
    ).toEqual(["ann", "bob", "cy"]);
    expect(await audit(storage, "export", "--format", "xlsx")).toMatchObject({ code: 2, stderr: expect.stringContaining("--format") });
  });
});
