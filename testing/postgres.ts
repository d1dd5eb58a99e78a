import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freeLoopbackPort, serviceBinary } from "./service-binary";

/** A throwaway Postgres cluster on a free loopback port, in a fresh temporary folder, trust auth, user `postgres`. */
export interface TestPostgres {
  /** The cluster's `postgres` database (for admin work; tests use newDatabase()). */
  url: string;
  port: number;
  /** A fresh, empty database in this cluster, and its URL. */
  newDatabase(): Promise<string>;
  /** An immediate shutdown (SIGQUIT: clients are cut off as in a crash); the data stays for start(). */
  kill(): Promise<void>;
  /** Brings a killed cluster back on the same port, with its data. */
  start(): Promise<void>;
  /** Shuts it down and removes its folder. */
  stop(): Promise<void>;
}

/** Debian puts the server outside PATH (/usr/lib/postgresql/<major>/bin); the newest one wins. */
function candidates(): string[] {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return ["postgres", ...majors.map((major) => path.join(root, major, "bin", "postgres"))];
}

const postgresBinary = () => serviceBinary("postgres", candidates(), "postgresql");

/** Whether tests that need Postgres can run here (see serviceBinary: in CI a missing binary throws). */
export const havePostgres = (): boolean => postgresBinary() !== undefined;

/** Postgres refuses to run as root: under root (CI containers) it runs as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error("Running as root and there is no `postgres` user to run the test cluster as");
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const binary = postgresBinary();
  if (!binary) throw new Error("postgres is not installed");
  // initdb sits beside the server (or on PATH beside it).
  const initdb = binary.includes("/") ? path.join(path.dirname(binary), "initdb") : "initdb";
  const user = runAs();
  const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-pg-"));
  if (user) chownSync(folder, user.uid, user.gid);
  const data = path.join(folder, "data");
  const log = path.join(folder, "postgres.log");
  const spawnOptions = { cwd: folder, ...(user ?? {}) };
  try {
    execFileSync(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], {
      ...spawnOptions,
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
  const port = await freeLoopbackPort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  // A test process that dies must not leave a cluster running (the exit handler can only be synchronous).
  const onExit = () => child?.kill("SIGQUIT");
  process.once("exit", onExit);

  const start = async () => {
    const logFd = openSync(log, "a");
    const args = ["-D", data, "-p", String(port), "-k", folder, "-c", "listen_addresses=127.0.0.1"];
    // Nothing here needs to survive a power cut: skip the disk flushes. (Commits still reach the kernel before they
    // are acknowledged, so kill() loses nothing that was committed: no synchronous_commit=off.)
    for (const setting of ["fsync=off", "full_page_writes=off", "max_connections=200"]) {
      args.push("-c", setting);
    }
    child = spawn(binary, args, { ...spawnOptions, stdio: ["ignore", logFd, logFd] });
    closeSync(logFd);
    await waitForConnection(url, child, log);
  };
  const shutdown = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(signal);
    await exited;
  };
  let databases = 0;
  const newDatabase = async () => {
    const name = `test_${++databases}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${port}/${name}`;
  };

  await start();
  return {
    url,
    port,
    newDatabase,
    start,
    kill: () => shutdown("SIGQUIT"),
    stop: async () => {
      await shutdown("SIGINT"); // Fast shutdown: disconnects clients, no waiting for them.
      process.off("exit", onExit);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function waitForConnection(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start: ${readFileSync(log, "utf8").slice(-2_000)}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query("select 1");
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${String(error)}\n${readFileSync(log, "utf8").slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end().catch(() => {});
    }
  }
}
