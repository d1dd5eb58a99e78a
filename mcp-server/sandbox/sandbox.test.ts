/**
 * The sandbox as the boundary: what a command that the person approved still cannot do. Skipped only when
 * bubblewrap really does not work here and SHELL_SANDBOX is not "required" (CI installs it, so they run there).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createTcpServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { processRunning } from "../testing/processes.ts";
import { probeSandbox } from "./sandbox.ts";
import { closeConnections, connectInMemory } from "../testing/test-client.ts";

const works = probeSandbox("auto").active;
const mustRun = process.env.SHELL_SANDBOX === "required";

let workspace: string;
let outside: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-sandbox-ws-"));
  outside = mkdtempSync(path.join(tmpdir(), "shell-sandbox-outside-"));
});
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
afterEach(closeConnections);

const connect = (env: Record<string, string> = {}) =>
  connectInMemory({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "required", ...env }, () => ({ action: "accept", content: {} }));

describe.skipIf(!works && !mustRun)("sandboxed commands", () => {
  it("start only after the probe saw every property hold from inside", () => {
    const status = probeSandbox("required");
    expect(status.active).toBe(true);
    expect(status.checks.map((check) => check.name)).toEqual([
      "no capabilities",
      "own read-only /proc",
      "no network",
      "read-only allow-listed files",
      "no nested user namespace",
      "seccomp filter",
    ]);
    expect(status.checks.filter((check) => !check.ok)).toEqual([]);
  });

  it("can change what the workspace's owner made, and have a HOME that is empty and private", async () => {
    writeFileSync(path.join(workspace, "notes.txt"), "from the host\n");
    mkdirSync(path.join(workspace, "src"));
    const { run, close } = await connect();
    const output = await run(
      'echo from the sandbox >> notes.txt && touch src/new && rm -r src && echo "home: $(ls -A "$HOME" | wc -l)" && touch "$HOME/.cache" && id -un',
    );
    expect(output).toMatchObject({ ran: true, sandboxed: true, exitCode: 0 });
    expect(output.stdout).toBe("home: 0\nsandbox\n");
    expect(readFileSync(path.join(workspace, "notes.txt"), "utf8")).toBe("from the host\nfrom the sandbox\n");
    expect(existsSync(path.join(workspace, "src"))).toBe(false);
    await close();
  });

  it("can write the workspace but nothing outside it", async () => {
    const { run, close } = await connect();
    const output = await run(`touch inside; touch ${outside}/escaped; touch /var/tmp/escaped-$$; echo done`);
    expect(output).toMatchObject({ ran: true, sandboxed: true });
    expect(output.stderr).toMatch(/Read-only file system|No such file/);
    expect(existsSync(path.join(workspace, "inside"))).toBe(true);
    expect(existsSync(path.join(outside, "escaped"))).toBe(false);
    await close();
  });

  it("cannot see the server's process or read its environment", async () => {
    // Something only the server process's own environment has, as the kernel shows it in /proc.
    const marker = readFileSync(`/proc/${process.pid}/environ`, "utf8")
      .split("\0")
      .find((entry) => /^(?:VITEST|npm_)\w*=/.test(entry));
    expect(marker).toBeDefined();
    const probe = `cat /proc/${process.pid}/environ; cat /proc/$PPID/environ`;
    const { run, close } = await connect();
    const output = await run(probe);
    expect(output.stdout).not.toContain(marker);
    expect(output.stderr).toContain(`/proc/${process.pid}/environ`);
    await close();
    // Without the sandbox the same command does read it, so the test can fail.
    const plain = await connectInMemory({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off" }, () => ({ action: "accept", content: {} }));
    expect((await plain.run(probe)).stdout).toContain(marker);
    await plain.close();
  });

  it("cannot reach the network, not even a listener on loopback", async () => {
    const listener: Server = createTcpServer((socket) => socket.end("hello from the host\n"));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      const { run, close } = await connect();
      const probe = `node -e "require('net').connect(${port},'127.0.0.1').on('data',d=>{process.stdout.write(d);process.exit(0)}).on('error',e=>{console.error(e.code);process.exit(3)})"`;
      const output = await run(probe);
      expect(output.stdout).not.toContain("hello from the host");
      expect(output.exitCode).not.toBe(0);
      await close();
      // The same probe without the sandbox does connect, so the test can fail.
      const plain = await connectInMemory({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off" }, () => ({ action: "accept", content: {} }));
      expect((await plain.run(probe)).stdout).toContain("hello from the host");
      await plain.close();
    } finally {
      listener.close();
    }
  });

  it("with the policy's network: true, shares the host's network but nothing else", async () => {
    const listener: Server = createTcpServer((socket) => socket.end("hello from the host\n"));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as { port: number }).port;
    const policy = path.join(outside, "policy.json");
    writeFileSync(policy, JSON.stringify({ network: true }));
    try {
      const { run, close } = await connect({ SHELL_POLICY: policy });
      writeFileSync(
        path.join(workspace, "probe.js"),
        `require('net').connect(${port},'127.0.0.1').on('data',d=>process.stdout.write(d));\n`,
      );
      const output = await run("node probe.js; grep CapEff /proc/self/status; ls /root");
      expect(output).toMatchObject({ ran: true, sandboxed: true });
      expect(output.stdout).toContain("hello from the host");
      expect(output.stdout).toMatch(/CapEff:\s+0{16}/);
      expect(output.stderr).toContain("'/root': No such file");
      await close();
    } finally {
      listener.close();
    }
  });

  it("has a private /tmp", async () => {
    const { run, close } = await connect();
    await run(`echo x > /tmp/${path.basename(outside)}-leak`);
    expect(existsSync(path.join(tmpdir(), `${path.basename(outside)}-leak`))).toBe(false);
    await close();
  });

  it("kills the whole sandbox on timeout", async () => {
    const { run, close } = await connect({ COMMAND_MAX_TIMEOUT_MS: "300" });
    // A sleep no other test runs: once none of its processes is left, nothing can touch `late` or `late2` (had
    // the sandbox outlived the timeout, this waits for the sleeps to end, and both exist).
    const output = await run("(sleep 2.17; touch late) & sleep 2.17; touch late2");
    expect(output).toMatchObject({ timedOut: true, sandboxed: true });
    await vi.waitFor(() => expect(processRunning("sleep 2.17")).toBe(false), { timeout: 10_000, interval: 20 });
    expect(existsSync(path.join(workspace, "late"))).toBe(false);
    expect(existsSync(path.join(workspace, "late2"))).toBe(false);
    await close();
  });

  it("caps output, keeping head and tail and saying how much was cut", async () => {
    const { run, close } = await connect({ COMMAND_MAX_OUTPUT_CHARS: "1000" });
    const output = await run("seq 1 20000");
    expect(output.truncated).toBe(true);
    expect(output.stdout.startsWith("1\n2\n3\n")).toBe(true);
    expect(output.stdout.endsWith("19999\n20000\n")).toBe(true);
    expect(output.stdout).toMatch(/… \d+ characters cut …/);
    await close();
  });
});

describe("SHELL_SANDBOX=required without a working sandbox", () => {
  it.skipIf(works)("refuses to run commands", async () => {
    const { run, close } = await connect();
    expect(await run("ls")).toMatchObject({ ran: false, approval: "refused", sandboxed: false });
    await close();
  });
});
