import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freeLoopbackPort } from "../../testing/service-binary";
import { E2E_WORKSPACE } from "../workspace";

/**
 * A second instance of the app, for specs that need their own server: one with users configured, or one to kill
 * with SIGKILL and start again. It runs the production build the main e2e server made (.next-e2e), on a free
 * loopback port, with a database of its own unless `databaseUrl` is given (a restarted instance reuses it).
 */
export interface AppInstance {
  baseURL: string;
  port: number;
  databaseUrl: string;
  /** The server's process id (its MCP server children are its descendants). */
  pid: number;
  /** What the server printed so far (stdout and stderr), for a failing test's report. */
  output(): string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to clean up, as in a crash. */
  kill(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** A fresh folder for a database; removed by removeFolder() or at exit. */
export function freshDatabaseUrl(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-e2e-db-"));
  process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
  return path.join(folder, "app.db");
}

export interface AppInstanceOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  /** A fixed port: an instance restarted behind a load balancer must come back where the balancer sends requests. */
  port?: number;
  /** INSTANCE_ID: the name the instance gives itself (health, the x-elicit-instance header). */
  instanceId?: string;
}

export async function startAppInstance(options: AppInstanceOptions = {}): Promise<AppInstance> {
  const port = options.port ?? (await freeLoopbackPort());
  const databaseUrl = options.databaseUrl ?? freshDatabaseUrl();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_DIST_DIR: ".next-e2e",
        NEXT_TELEMETRY_DISABLED: "1",
        MCP_CONFIG: "e2e/mcp.e2e.json",
        HOST: "127.0.0.1",
        PORT: String(port),
        WORKSPACE_DIR: E2E_WORKSPACE,
        OPENAI_API_KEY: "",
        OPENAI_BASE_URL: "",
        DATABASE_URL: databaseUrl,
        ...(options.instanceId && { INSTANCE_ID: options.instanceId }),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseURL = `http://127.0.0.1:${port}`;
  await waitUntilUp(baseURL, child, () => output);
  return {
    baseURL,
    port,
    databaseUrl,
    pid: child.pid!,
    output: () => output,
    stop: () => ended(child, "SIGTERM"),
    kill: () => ended(child, "SIGKILL"),
  };
}

async function waitUntilUp(baseURL: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited (${child.exitCode}) before it was up:\n${output()}`);
    const up = await fetch(baseURL, { redirect: "manual" }).then(
      (response) => response.status < 500,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`The app did not start within 60 s:\n${output()}`);
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
