/**
 * The limits make a runaway command fail alone: a fork bomb, a disk filler, a memory hog, a busy loop, each with
 * a small limit set through the SHELL_LIMIT_* settings, next to the same command under a larger limit (so the
 * test fails if the command was never going to succeed). Bounded by the command timeout throughout.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { limitEnforcement } from "./sandbox-launcher.ts";
import { runIn, skipSandboxSuites, type Output } from "../testing/sandbox-test-kit.ts";
import { closeConnections, connectInMemory } from "../testing/test-client.ts";

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-limits-ws-"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(closeConnections);

const enforced = skipSandboxSuites ? { processes: false, totalMemory: false } : limitEnforcement();
const limited = (env: Record<string, string>, command: string, timeoutMs = 15_000): Promise<Output> =>
  runIn(workspace, command, { env, timeoutMs });

describe.skipIf(skipSandboxSuites)("limits in the sandbox", () => {
  // Where nothing caps processes (root without usable cgroups), a fork bomb would take the machine with it.
  describe.skipIf(!enforced.processes)("processes", () => {
    // Starts 60 sleepers, then counts the processes it can see without forking (a glob is a shell built-in).
    // dash exits when it cannot fork, so the loop runs in a subshell; the sleepers die with the sandbox.
    const sleepers = '(i=0; while [ $i -lt 60 ]; do sleep 5 & i=$((i+1)); done) 2>/dev/null; set -- /proc/[0-9]*; echo "processes=$#"';
    const count = (output: Output) => Number(/processes=(\d+)/.exec(output.stdout)?.[1]);

    it("caps how many processes a command may have at once", async () => {
      // Visible inside: bubblewrap's init and the shell, then as many sleepers as fit.
      expect(count(await limited({ SHELL_LIMIT_PROCESSES: "20" }, sleepers))).toBeLessThanOrEqual(21);
      expect(count(await limited({ SHELL_LIMIT_PROCESSES: "200" }, sleepers))).toBeGreaterThanOrEqual(60);
    });

    it("makes a fork bomb fail alone: the server keeps answering meanwhile", async () => {
      const { run, close } = await connectInMemory(
        { WORKSPACE_DIR: workspace, SHELL_SANDBOX: "required", SHELL_LIMIT_PROCESSES: "30", COMMAND_MAX_TIMEOUT_MS: "3000" },
        () => ({ action: "accept", content: {} }),
      );
      try {
        const bomb = run("bomb() { bomb | bomb & }; bomb; sleep 10", { timeoutMs: 3_000 });
        await new Promise((resolve) => setTimeout(resolve, 500));
        // While the bomb runs, another command starts and finishes at once.
        const started = performance.now();
        const other = await run("echo alive");
        expect(other).toMatchObject({ ran: true, sandboxed: true, stdout: "alive\n" });
        expect(performance.now() - started).toBeLessThan(2_000);
        const result = await bomb;
        expect(result).toMatchObject({ ran: true, sandboxed: true, timedOut: true });
        expect(result.stderr).toMatch(/Cannot fork|Resource temporarily unavailable/);
      } finally {
        await close();
      }
    });
  });

  it("stops a file at SHELL_LIMIT_FILE_MB", async () => {
    const filler = "head -c 8000000 /dev/zero > big; echo exit=$?";
    const small = await limited({ SHELL_LIMIT_FILE_MB: "2" }, filler);
    expect(small.stdout).toContain("exit=153"); // 128 + SIGXFSZ
    expect(statSync(path.join(workspace, "big")).size).toBeLessThanOrEqual(2 * 2 ** 20);
    await limited({ SHELL_LIMIT_FILE_MB: "16" }, filler);
    expect(statSync(path.join(workspace, "big")).size).toBe(8_000_000);
  });

  it("stops /tmp, HOME and /dev/shm at SHELL_LIMIT_TMP_MB", async () => {
    const filler = ["/tmp/fill", '"$HOME/fill"', "/dev/shm/fill"]
      .map((file) => `head -c 8000000 /dev/zero > ${file}; echo size $(wc -c < ${file})`)
      .join("; ");
    const small = await limited({ SHELL_LIMIT_TMP_MB: "2" }, filler);
    expect(small.stderr).toContain("No space left on device");
    expect(small.stdout).toBe(`size ${2 * 2 ** 20}\n`.repeat(3));
    expect((await limited({ SHELL_LIMIT_TMP_MB: "16" }, filler)).stdout).toBe("size 8000000\n".repeat(3));
  });

  it("stops a process that grows past SHELL_LIMIT_MEMORY_MB", async () => {
    // The shell itself grows a 50 MB variable.
    const hog = 'x=$(head -c 50000000 /dev/zero | tr "\\0" a); echo length ${#x}';
    const small = await limited({ SHELL_LIMIT_MEMORY_MB: "64" }, hog);
    expect(small.stdout).not.toContain("length 50000000");
    expect(small.exitCode).not.toBe(0);
    expect((await limited({ SHELL_LIMIT_MEMORY_MB: "1024" }, hog)).stdout).toContain("length 50000000");
  });

  it.skipIf(!enforced.totalMemory)("caps the memory of the whole command, not only of each process", async () => {
    // Each shell holds a 50 MB variable: one fits in 160 MB, five at once do not, and do in 1 GB.
    const holder = `sh -c 'x=$(head -c 50000000 /dev/zero | tr "\\0" a); sleep 1; echo held \${#x}'`;
    const five = `for i in 1 2 3 4 5; do ${holder} & done; wait`;
    const held = (output: Output) => output.stdout.split("\n").filter((line) => line === "held 50000000").length;
    expect(held(await limited({ SHELL_LIMIT_MEMORY_MB: "160" }, holder))).toBe(1);
    expect(held(await limited({ SHELL_LIMIT_MEMORY_MB: "160" }, five))).toBeLessThan(5);
    expect(held(await limited({ SHELL_LIMIT_MEMORY_MB: "1024" }, five))).toBe(5);
  });

  it("kills a busy loop after SHELL_LIMIT_CPU_SECONDS", async () => {
    // `timeout` ends the loop after 3 s of wall time (124) unless the CPU limit has killed it first (137).
    const loop = "timeout 3 sh -c 'while :; do :; done'; echo status=$?";
    expect((await limited({ SHELL_LIMIT_CPU_SECONDS: "1" }, loop)).stdout).toContain("status=137");
    expect((await limited({ SHELL_LIMIT_CPU_SECONDS: "30" }, loop)).stdout).toContain("status=124");
  });
});
