import "server-only";
import { sql } from "kysely";
import { z } from "zod";
import type { ServerState } from "@/lib/server-state";

/**
 * GET /api/health: what a load balancer (or a person) reads. `degraded` when the database or Redis is away; the
 * status code is 503 only without the database: without Redis an instance still serves (chats, durable questions),
 * and a load balancer that took every instance out at once would turn a degraded app into a dead one.
 */
export const healthSchema = z.object({
  /** ok, or degraded (see `database` and `coordination`). */
  status: z.enum(["ok", "degraded"]),
  instance: z.string(),
  database: z.enum(["up", "down"]),
  coordination: z.enum(["embedded", "redis-up", "redis-down"]),
});
export type Health = z.infer<typeof healthSchema>;

const DATABASE_CHECK_MS = 2_000;

export async function healthOf(state: Pick<ServerState, "database" | "coordination">): Promise<Health> {
  const database = (await databaseAnswers(state)) ? "up" : "down";
  const coordination = state.coordination.status();
  const status = database === "up" && coordination !== "redis-down" ? "ok" : "degraded";
  return { status, instance: state.coordination.instanceId, database, coordination };
}

async function databaseAnswers({ database }: Pick<ServerState, "database">): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DATABASE_CHECK_MS)));
  const answered = (async () => {
    await database.ready;
    await sql`select 1`.execute(database.db);
    return true;
  })().catch(() => false);
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}
