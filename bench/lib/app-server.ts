/**
 * The production build served by `next start` on loopback, as the bench's system under test.
 *
 * Two bench-only additions, neither in the app's code:
 * - The server runs with its working directory in a scratch folder whose mcp-server/stdio.ts loads
 *   fixtures/instrumented-shell-stdio.ts: the app spawns `<cwd>/mcp-server/stdio.ts`, so this swaps in the
 *   real shell server plus timestamps, while the app itself is served from the repository.
 * - fixtures/heap-probe.ts is preloaded, so the bench can ask the server process for its heap over IPC.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { wallClockMs } from "./clock.ts";
import { postJson } from "./http-client.ts";
import { BENCH_DIR, BENCH_TMP, DIST_DIR, NEXT_BIN, REPO_ROOT } from "./paths.ts";

export interface AppServer {
  baseUrl: string;
  pid: number;
  workspaceDir: string;
  /** Wall-clock ms just before the process was spawned, and when it first answered HTTP. */
  spawnedAt: number;
  readyAt: number;
  /** The server's heap in use after a full garbage collection, in bytes. */
  heapUsed(): Promise<number>;
  /** Writes a V8 heap snapshot of the server to `file` (for bench/profile.ts). */
  heapSnapshot(file: string): Promise<void>;
  /** Distinct MCP server processes seen as children of the app server since it started. */
  mcpServerPidsSeen(): ReadonlySet<number>;
  stop(): Promise<void>;
  /** The server's console output, for diagnosing a failed run. */
  output(): string;
}

const PORTS = { first: 3300, last: 3399 };

export async function freePort(): Promise<number> {
  for (let port = PORTS.first; port <= PORTS.last; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer().once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${PORTS.first}-${PORTS.last}`);
}

/** A scratch folder for one server: the swapped-in MCP entry point, the workspace, and the timings file. */
function prepareScratch(name: string): { root: string; appRoot: string; workspaceDir: string } {
  const root = path.join(BENCH_TMP, `${name}-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const appRoot = path.join(root, "app-root");
  const workspaceDir = path.join(root, "workspace");
  mkdirSync(path.join(appRoot, "mcp-server"), { recursive: true });
  mkdirSync(workspaceDir, { recursive: true });
  const fixture = pathToFileURL(path.join(BENCH_DIR, "fixtures", "instrumented-shell-stdio.ts")).href;
  writeFileSync(path.join(appRoot, "mcp-server", "stdio.ts"), `import ${JSON.stringify(fixture)};\n`);
  return { root, appRoot, workspaceDir };
}

/** Child pids of a process, from /proc (Linux). */
export function childPids(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((task) => {
    try {
      return readFileSync(`${tasks}/${task}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/**
 * `nodeOptions` are extra flags for the server's Node, e.g. `--cpu-prof` when profiling a figure; `env` adds
 * settings (e.g. STORAGE=memory, or a DATABASE_URL seeded beforehand). By default the database is a fresh file in
 * the server's scratch folder.
 */
export async function startAppServer(name: string, nodeOptions: string[] = [], env: Record<string, string> = {}): Promise<AppServer> {
  const { root, appRoot, workspaceDir } = prepareScratch(name);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const probe = pathToFileURL(path.join(BENCH_DIR, "fixtures", "heap-probe.ts")).href;
  let output = "";

  const spawnedAt = wallClockMs();
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", ...nodeOptions, "--import", probe, NEXT_BIN, "start", REPO_ROOT, "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: appRoot,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_DIST_DIR: DIST_DIR,
        NEXT_TELEMETRY_DISABLED: "1",
        WORKSPACE_DIR: workspaceDir,
        // Empty means unset to the app; set here so a developer's .env cannot switch the bench to a real model.
        OPENAI_API_KEY: "",
        OPENAI_BASE_URL: "",
        // Figure 3 holds 1,000 questions from the one shell server; the app's default cap (20 per server, the
        // spec's rate-limit SHOULD) would cancel the rest by design, so the bench raises it.
        ELICITATION_MAX_PENDING_PER_SERVER: "5000",
        // Figure 3 closes its 1,000 chat streams as tabs that went away: their turns end a second later, and the
        // durable questions wait on in storage.
        CHAT_RECONNECT_GRACE_MS: "1000",
        DATABASE_URL: path.join(root, "data", "app.db"),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  // Sampled rather than read once at the end, so a server that died and was spawned again counts twice.
  const mcpPids = new Set<number>();
  const sampleChildren = () => {
    for (const childPid of childPids(pid)) if (commandLineOf(childPid).includes("mcp-server/stdio.ts")) mcpPids.add(childPid);
  };
  const sampler = setInterval(sampleChildren, 10);

  let readyAt = 0;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      await postJson(baseUrl, "/api/elicitations/ready-check", { action: "cancel" });
      readyAt = wallClockMs();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  if (!readyAt) throw new Error(`next start did not answer within 30 s:\n${output}`);

  return {
    baseUrl,
    pid,
    workspaceDir,
    spawnedAt,
    readyAt,
    heapUsed: () =>
      new Promise((resolve, reject) => {
        const onMessage = (message: unknown) => {
          if (typeof message !== "object" || message === null || !("heapUsed" in message)) return;
          child.off("message", onMessage);
          if (!("collected" in message) || !message.collected) reject(new Error("the app server was started without --expose-gc"));
          else resolve(Number(message.heapUsed));
        };
        child.on("message", onMessage);
        child.send("heap");
      }),
    heapSnapshot: (file) =>
      new Promise((resolve) => {
        const onMessage = (message: unknown) => {
          if (typeof message !== "object" || message === null || !("snapshot" in message)) return;
          child.off("message", onMessage);
          resolve();
        };
        child.on("message", onMessage);
        child.send({ snapshot: file });
      }),
    mcpServerPidsSeen: () => {
      sampleChildren();
      return mcpPids;
    },
    output: () => output,
    async stop() {
      clearInterval(sampler);
      const mcpChildren = childPids(pid);
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
      // The MCP server stops when its stdin closes; make sure, so no bench process outlives the run.
      for (const mcpPid of mcpChildren) {
        try {
          process.kill(mcpPid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
