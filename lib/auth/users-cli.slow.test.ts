/**
 * The operator's side, as processes: `npm run users` (its exact command line) against a database file, and the
 * start-up refusal of instrumentation.ts beyond loopback without an admin.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/open-database";
import { createAuth } from "./auth";
import { authenticate } from "./authenticate";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NODE = path.join(ROOT, "node_modules/.bin/node");
const run = promisify(execFile);
const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-users-cli-"));
const databaseUrl = path.join(folder, "app.db");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The `users` npm script's command (package.json), run directly. */
async function users(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(NODE, ["--conditions=react-server", "--import", "tsx", "scripts/users.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run users", () => {
  it("add prints a password that signs in; token prints a key that works as bearer; remove ends both", async () => {
    const added = await users("add", "alice", "--role", "requester");
    expect(added.code).toBe(0);
    const password = added.stdout.trim().split("\n").at(-1)!;
    const token = await users("token", "alice");
    expect(token.code).toBe(0);
    const key = token.stdout.trim();

    // The server's view of the same database file.
    const database = openDatabase(databaseUrl);
    await database.ready;
    const auth = createAuth(database, {});
    try {
      const signedIn = await auth.handler(
        new Request("http://127.0.0.1/api/auth/sign-in/username", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://127.0.0.1" },
          body: JSON.stringify({ username: "alice", password }),
        }),
      );
      expect(signedIn.status).toBe(200);
      expect(await authenticate(auth, new Headers({ authorization: `Bearer ${key}` }))).toMatchObject({ name: "alice", role: "requester" });

      expect((await users("list")).stdout).toMatch(/^alice\trequester\tsince /m);
      expect((await users("remove", "alice")).code).toBe(0);
      expect(await authenticate(auth, new Headers({ authorization: `Bearer ${key}` }))).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it("refuses a bad role, an unknown command and an unknown user, saying what is wrong", async () => {
    const badRole = await users("add", "bob", "--role", "boss");
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be one of requester, reviewer, admin/);
    expect((await users("promote", "bob")).stderr).toMatch(/Unknown command "promote"/);
    const unknown = await users("token", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No user named nobody/);
  });
});

/** This shell's environment without a real model's settings (the model is irrelevant to the check). */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"]) delete env[name];
  return env;
}

describe("start-up beyond loopback", () => {
  it("exits 1 without an admin, saying how to add one", async () => {
    const empty = path.join(folder, "empty.db");
    const started = await run(
      NODE,
      ["--conditions=react-server", "--import", "tsx", "-e", 'import("./instrumentation.ts").then((m) => m.register())'],
      {
        cwd: ROOT,
        env: { ...offlineEnv(), NEXT_RUNTIME: "nodejs", HOST: "0.0.0.0", DATABASE_URL: empty },
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(started.code).toBe(1);
    expect(started.stderr).toContain("not starting: add an admin with `npm run users -- add <name> --role admin`");
  });
});
