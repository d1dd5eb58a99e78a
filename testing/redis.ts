import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freeLoopbackPort, serviceBinary } from "./service-binary";

/** A throwaway Redis on a free loopback port, keeping nothing on disk. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (SIGKILL: as abrupt as a crash); start() brings it back on the same port, empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const redisBinary = () => serviceBinary("redis-server", ["redis-server", "/usr/bin/redis-server"], "redis-server");

/** Whether tests that need Redis can run here (see serviceBinary: in CI a missing binary throws). */
export const haveRedis = (): boolean => redisBinary() !== undefined;

export async function startRedis(): Promise<TestRedis> {
  const binary = redisBinary();
  if (!binary) throw new Error("redis-server is not installed");
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], {
      stdio: "ignore",
    });
    await waitForPing(port);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, start, stop: kill };
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {}); // Not up yet: the loop tries again.
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.disconnect();
    }
  }
}
