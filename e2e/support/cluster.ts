import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { havePostgres, startPostgres, type TestPostgres } from "../../testing/postgres";
import { haveRedis, startRedis, type TestRedis } from "../../testing/redis";
import { freeLoopbackPort } from "../../testing/service-binary";
import { startAppInstance, type AppInstance } from "./app-instance";
import { haveNginx, startNginx, type TestNginx } from "./nginx";

/**
 * Several instances of the app as a team would deploy them: one Postgres (a fresh database), one Redis, N
 * `next start` instances sharing both and the same secrets, and a round-robin nginx in front. Tests talk to
 * `baseURL` (nginx) and reach an instance directly only to kill or restart it.
 */
export interface Cluster {
  /** nginx: what a browser uses. */
  baseURL: string;
  /** The instances now running (index i is `app-${i + 1}`); a killed one stays in place until startInstance(i). */
  instances: AppInstance[];
  redis: TestRedis;
  postgres: TestPostgres;
  nginx: TestNginx;
  /** The shared DATABASE_URL. */
  databaseUrl: string;
  /** INSTANCE_ID of instance i. */
  instanceId(i: number): string;
  /** SIGKILL of instance i, as in a crash (nginx then sends its requests to the others). */
  killInstance(i: number): Promise<void>;
  /** Starts instance i again, on its port and with its name. */
  startInstance(i: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Whether this machine has Postgres, Redis and nginx. Each missing one prints a line saying what to install;
 * in CI a missing one throws instead (serviceBinary), so the specs fail rather than skip there.
 */
export function haveClusterServices(): boolean {
  const found = [havePostgres(), haveRedis(), haveNginx()];
  return found.every(Boolean);
}

export async function startCluster(options: { instances: number; env?: Record<string, string> }): Promise<Cluster> {
  const started: { stop(): Promise<void> }[] = [];
  try {
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    started.push(postgres, redis);
    const databaseUrl = await postgres.newDatabase();
    // Every instance must sign sessions and approval states with the same keys, or one could not read another's.
    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      SHELL_REQUEST_STATE_KEY: randomBytes(32).toString("hex"),
      ...options.env,
    };
    const ports = await distinctFreePorts(options.instances);
    const instanceId = (i: number) => `app-${i + 1}`;
    const launch = (i: number) => startAppInstance({ databaseUrl, port: ports[i], instanceId: instanceId(i), env });
    // Together, as a deployment starts them: their migrations race, and must not trip over each other.
    const launched = await Promise.allSettled(ports.map((_, i) => launch(i)));
    const instances = launched.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    started.push(...instances);
    const failed = launched.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const nginx = await startNginx(instances.map((instance) => instance.baseURL));
    return {
      baseURL: nginx.baseURL,
      instances,
      redis,
      postgres,
      nginx,
      databaseUrl,
      instanceId,
      killInstance: (i) => instances[i]!.kill(),
      startInstance: async (i) => {
        await instances[i]!.kill(); // Never two on one port.
        instances[i] = await launch(i);
      },
      // nginx first (no new requests), then the instances, then what they use.
      stop: async () => {
        await nginx.stop();
        await Promise.all(instances.map((instance) => instance.stop()));
        await Promise.all([redis.stop(), postgres.stop()]);
      },
    };
  } catch (error) {
    await Promise.allSettled(started.reverse().map((service) => service.stop()));
    throw error;
  }
}

/** `count` different free ports (the OS may hand the same one out twice in a row once it is free again). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freeLoopbackPort());
  return [...ports];
}

/** GET /api/health as the contract has it, and which instance answered (the x-elicit-instance header). */
export interface Health {
  httpStatus: number;
  servedBy: string | null;
  body?: { status: "ok" | "degraded"; instance: string; database: "up" | "down"; coordination: "redis-up" | "redis-down" | "embedded" };
}

export async function health(baseURL: string): Promise<Health> {
  const response = await fetch(`${baseURL}/api/health`);
  const text = await response.text();
  let body: Health["body"];
  try {
    body = JSON.parse(text) as Health["body"];
  } catch {
    body = undefined; // Not JSON: an HTML error page, nginx's 502...
  }
  return { httpStatus: response.status, servedBy: response.headers.get("x-elicit-instance"), body };
}

/** The instances that served `count` consecutive health checks through nginx (each one healthy, and naming itself). */
export async function servedBy(baseURL: string, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    const checked = await health(baseURL);
    expect(checked.httpStatus).toBe(200);
    expect(checked.body?.instance).toBe(checked.servedBy);
    seen.push(checked.servedBy ?? "none");
  }
  return seen;
}

/**
 * Reloads the conversation until its GET is served by an instance that `wanted` accepts, and returns that instance.
 * A health check between tries shifts nginx's round robin by one, so a page that always makes an even number of
 * requests still alternates.
 */
export async function reloadOnto(
  page: Page,
  baseURL: string,
  threadId: string,
  wanted: (instance?: string) => boolean,
): Promise<string | undefined> {
  let instance: string | undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    const loaded = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/chat/threads/${threadId}`);
    await page.reload();
    instance = (await loaded).headers()["x-elicit-instance"];
    if (wanted(instance)) return instance;
    await health(baseURL);
  }
  return instance;
}
