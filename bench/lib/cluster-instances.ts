/**
 * Several app instances for figure 8: one throwaway Postgres database and one throwaway Redis (the test support's,
 * on free loopback ports), and app servers that share them, each with its own INSTANCE_ID, scratch folder,
 * workspace and MCP server child.
 */
import { randomBytes } from "node:crypto";
import { havePostgres, startPostgres, type TestPostgres } from "../../testing/postgres.ts";
import { haveRedis, startRedis, type TestRedis } from "../../testing/redis.ts";
import { startAppServer, type AppServer } from "./app-server.ts";

export interface ClusterServices {
  databaseUrl: string;
  redisUrl: string;
  /** Starts an app server on the shared database and Redis, and checks it says so on /api/health. */
  startInstance(instanceId: string): Promise<AppServer>;
  stop(): Promise<void>;
}

export interface Health {
  status: string;
  instance: string;
  database: unknown;
  coordination: unknown;
}

export async function health(app: AppServer): Promise<Health> {
  const response = await fetch(`${app.baseUrl}/api/health`);
  return (await response.json()) as Health;
}

/**
 * Undefined (with the reason on stderr) when redis-server or postgres is missing on a developer machine; in CI
 * the test support throws instead, as for the tests.
 */
export async function startClusterServices(): Promise<ClusterServices | undefined> {
  if (!haveRedis() || !havePostgres()) {
    console.warn("[bench] 8: skipped: several instances need redis-server and postgres (apt-get install redis-server postgresql)");
    return undefined;
  }
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  try {
    postgres = await startPostgres();
    redis = await startRedis();
  } catch (error) {
    await postgres?.stop();
    throw error;
  }
  const databaseUrl = await postgres.newDatabase();
  const redisUrl = redis.url;
  // The same on every instance, as a deployment must have them (a different key would refuse the others' answers).
  const secrets = {
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    SHELL_REQUEST_STATE_KEY: randomBytes(32).toString("hex"),
  };
  const stopRedis = redis.stop;
  const stopPostgres = postgres.stop;

  return {
    databaseUrl,
    redisUrl,
    async startInstance(instanceId) {
      const app = await startAppServer(`cluster-${instanceId}`, [], {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        INSTANCE_ID: instanceId,
        ...secrets,
        // The app's default, not figure 3's 1 s: this section never closes a stream to suspend its turn, and with
        // 100 turns starting at once on Postgres a response can start later than 1 s after its turn opened, which
        // the shorter grace counts as a tab that went away (the turn is aborted before anyone read it).
        CHAT_RECONNECT_GRACE_MS: "15000",
      });
      const said = await health(app).catch((error: unknown) => ({ error: String(error) }));
      if (!("instance" in said) || said.instance !== instanceId || said.status !== "ok") {
        const output = app.output().slice(-2000);
        await app.stop();
        throw new Error(`instance ${instanceId} is not healthy: ${JSON.stringify(said)}\n${output}`);
      }
      return app;
    },
    async stop() {
      await stopRedis();
      await stopPostgres();
    },
  };
}
