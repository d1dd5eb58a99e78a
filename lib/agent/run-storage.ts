import "server-only";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Mastra } from "@mastra/core";
import type { Agent } from "@mastra/core/agent";
import { InMemoryStore, type MastraCompositeStore } from "@mastra/core/storage";
import { LibSQLStore } from "@mastra/libsql";
import { PostgresStore } from "@mastra/pg";
import { isPostgresUrl } from "@/lib/db/database";
import { sqliteFile } from "@/lib/db/open-database";

export interface RunStorageOptions {
  databaseUrl: string;
  inMemory: boolean;
  /** On Postgres, the connections Mastra's own pool may hold (DATABASE_POOL_MAX; Mastra's default otherwise). */
  poolMax?: number;
}

/**
 * Registers the chat agent with a Mastra instance that stores suspended runs: the agent's state when a tool call
 * suspended on a question (MCP `input_required`), which any later process resumes. On SQLite, kept in a file of its
 * own beside the app's database (`elicit-chat.db` -> `elicit-chat.runs.db`): Mastra opens its own connection, and two
 * connections of one process to the same SQLite file can stall each other (see lib/db/serialized-dialect.ts). On
 * Postgres, in the same database (Mastra's tables are named mastra_*), so any instance can resume a run another
 * suspended. Mastra also keeps a suspended run's workflow in memory for MASTRA_SUSPENDED_RUN_TTL_MS (30 minutes by
 * default); instrumentation.ts sets it to a second before Mastra loads, so a question that waits holds no turn in memory.
 */
export function withRunStorage(agent: Agent, options: RunStorageOptions): Agent {
  const mastra = new Mastra({ agents: { chat: agent }, storage: runStorage(options), logger: false });
  return mastra.getAgent("chat");
}

export function runStorage({ databaseUrl, inMemory, poolMax }: RunStorageOptions): MastraCompositeStore {
  if (inMemory) return new InMemoryStore();
  if (isPostgresUrl(databaseUrl)) {
    return new PostgresStore({
      id: "elicit-chat-runs",
      connectionString: databaseUrl.trim(),
      ...(poolMax !== undefined && { max: poolMax }),
    });
  }
  return new LibSQLStore({ id: "elicit-chat-runs", url: pathToFileURL(runsFile(databaseUrl)).href });
}

/** The SQLite file beside the app's database that keeps suspended runs (SQLite only: see withRunStorage). */
export function runsFile(databaseUrl: string): string {
  const file = sqliteFile(databaseUrl);
  const { dir, name } = path.parse(file);
  return path.join(dir, `${name}.runs.db`);
}
