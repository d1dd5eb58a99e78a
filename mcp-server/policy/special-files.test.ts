/**
 * Files in the workspace that are neither regular files nor directories: a FIFO (opening it for reading waits for
 * a writer, so an auto-run `cat` would hang until the timeout), a socket, a device. Named in any way a command
 * can name a path (operand, option value, pattern match, through a symlink), they ask; walking a tree that holds
 * them does not, since the walkers that run without asking never open them (`grep -r` skips them unless `-D read`).
 * Checked against the classifier and against the real server (declining client, unsandboxed, nothing changed).
 */
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createSocketServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyCommand } from "./classifier.ts";
import type { Risk } from "./risks.ts";
import { connectInMemory, type Answer } from "../testing/test-client.ts";

const base = mkdtempSync(path.join(tmpdir(), "special-files-"));
const workspace = path.join(base, "workspace");
const policyFile = path.join(base, "policy.json");
let socketServer: Server | undefined;
let hasDevice = false;

beforeAll(async () => {
  mkdirSync(path.join(workspace, "tree", "deeper"), { recursive: true });
  writeFileSync(path.join(workspace, "plain.txt"), "alive\n");
  writeFileSync(path.join(workspace, "tree", "a.txt"), "needle\n");
  writeFileSync(policyFile, "{}");
  execFileSync("mkfifo", [path.join(workspace, "notes.txt"), path.join(workspace, "tree", "deeper", "pipe")]);
  symlinkSync("notes.txt", path.join(workspace, "pipe-link"));
  socketServer = createSocketServer();
  await new Promise<void>((resolve) => socketServer!.listen(path.join(workspace, "sock"), resolve));
  try {
    // Only root may make device nodes; the device cases are skipped otherwise.
    execFileSync("mknod", [path.join(workspace, "zero"), "c", "1", "5"], { stdio: "ignore" });
    hasDevice = true;
  } catch {
    hasDevice = false;
  }
});
afterAll(async () => {
  await new Promise<void>((resolve) => (socketServer ? socketServer.close(() => resolve()) : resolve()));
  rmSync(base, { recursive: true, force: true });
});

const ASKED: ReadonlyArray<readonly [string, Risk]> = [
  ["cat notes.txt", "process"],
  ["head -n 1 notes.txt", "process"],
  ["wc -l plain.txt notes.txt", "process"],
  ["cat pipe-link", "process"],
  ["cat ./tree/../notes.txt", "process"],
  ["cat *.txt", "process"],
  ["cat n?tes.txt", "process"],
  ["sed -n 1p notes.txt", "process"],
  ["sort notes.txt", "process"],
  ["grep x notes.txt", "process"],
  ["grep -f notes.txt plain.txt", "process"],
  ["diff plain.txt notes.txt", "process"],
  ["cmp plain.txt tree/deeper/pipe", "process"],
  ["date -r notes.txt", "process"],
  ["find . -newer notes.txt", "process"],
  ["git diff --no-index plain.txt notes.txt", "process"],
  ["cat sock", "process"],
  ["grep -r -D read needle .", "process"],
  ["grep -r --devices=read needle tree", "process"],
  ["grep -rDread needle tree", "process"],
];

const ALLOWED = [
  "cat plain.txt",
  "grep -r needle .",
  "grep -r needle tree",
  "grep -r -D skip needle tree",
  "ls -la",
  "ls -R",
  "du -a .",
  "find . -type p",
  "echo *",
];

describe("classifier", () => {
  it.each(ASKED)("asks before %j (%s)", (command, risk) => {
    expect(classifyCommand(command, { workspaceDir: workspace })).toMatchObject({ decision: "ask", risk });
  });

  it.each(ALLOWED)("runs %j: it never opens the FIFO", (command) => {
    expect(classifyCommand(command, { workspaceDir: workspace })).toMatchObject({ decision: "allow" });
  });

  it("asks before reading a device in the workspace", (context) => {
    // Root can always make a device node (CI runs as root): there, a failure to make one fails the test.
    if (!hasDevice && process.getuid?.() !== 0) context.skip();
    expect(hasDevice).toBe(true);
    expect(classifyCommand("head -c 10 zero", { workspaceDir: workspace })).toMatchObject({ decision: "ask", risk: "outside-workspace" });
    expect(classifyCommand("cat *", { workspaceDir: workspace })).toMatchObject({ decision: "ask" });
  });
});

/** Every name under `dir` with its kind; never opens anything but directories. */
function snapshot(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(dir, relative))) {
      const entry = path.join(relative, name);
      const stats = lstatSync(path.join(dir, entry));
      if (stats.isDirectory()) walk(entry);
      found[entry] = `${stats.mode}:${stats.size}`;
    }
  };
  walk("");
  return found;
}

describe("through the real server", () => {
  const decline: Answer = () => ({ action: "decline" });

  it.each(ASKED)("%j is asked about, declined, and changes nothing", async (command) => {
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      decline,
    );
    const before = snapshot(workspace);
    const started = Date.now();
    const output = await run(command, { timeoutMs: 3_000 });
    await close();
    expect(output).toMatchObject({ ran: false, approval: "declined" });
    expect(asked).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(snapshot(workspace)).toEqual(before);
  });

  it.each(ALLOWED)("%j runs at once and finishes", async (command) => {
    const { run, asked, close } = await connectInMemory(
      { WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile, SHELL_SANDBOX: "off" },
      decline,
    );
    const output = await run(command, { timeoutMs: 5_000 });
    await close();
    expect(asked).toHaveLength(0);
    expect(output).toMatchObject({ ran: true, approval: "not_required", timedOut: false });
  });
});
