import "server-only";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Mastra } from "@mastra/core";
import type { Agent } from "@mastra/core/agent";
import { InMemoryStore } from "@mastra/core/storage";
import { LibSQLStore } from "@mastra/libsql";
import { sqliteFile } from "@/lib/db/open-database";

/**
 * Registers the chat agent with a Mastra instance that stores suspended runs: the agent's state when a tool call
 * suspended on a question (MCP `input_required`), which any later process resumes. Kept in a file of its own
 * beside the app's database (`elicit-chat.db` -> `elicit-chat.runs.db`): Mastra opens its own connection, and two
 * connections of one process to the same SQLite file can stall each other (see lib/db/serialized-dialect.ts).
 * Mastra also keeps a suspended run's workflow in memory for MASTRA_SUSPENDED_RUN_TTL_MS (30 minutes by default);
 * instrumentation.ts sets it to a second before Mastra loads, so a question that waits holds no turn in memory.
 */
export function withRunStorage(agent: Agent, { databaseUrl, inMemory }: { databaseUrl: string; inMemory: boolean }): Agent {
  const storage = inMemory
    ? new InMemoryStore()
    : new LibSQLStore({ id: "elicit-chat-runs", url: pathToFileURL(runsFile(databaseUrl)).href });
  const mastra = new Mastra({ agents: { chat: agent }, storage, logger: false });
  return mastra.getAgent("chat");
}

export function runsFile(databaseUrl: string): string {
  const file = sqliteFile(databaseUrl);
  const { dir, name } = path.parse(file);
  return path.join(dir, `${name}.runs.db`);
}
