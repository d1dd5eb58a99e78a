/**
 * The app as section 9 needs it: a team, so an agent's key asks and a reviewer's key reads the inbox. A fresh
 * database gets two users from the users CLI, as an operator makes them (agent_bench, a requester whose API key the
 * MCP client sends; reviewer_bench, a reviewer), and a routing file sends the "people" server's security questions
 * to the reviewer. Then the production build is started on it (startAppServer, like every other figure).
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startAppServer, type AppServer } from "./app-server.ts";
import { BENCH_TMP, REPO_ROOT } from "./paths.ts";

const run = promisify(execFile);

export const PEOPLE_AGENT = "agent_bench";
export const PEOPLE_REVIEWER = "reviewer_bench";
export const PEOPLE_SPECIALTY = "security";

export interface PeopleApp {
  app: AppServer;
  /** The API keys: the agent's (for /api/mcp) and the reviewer's (for /api/inbox and its stream). */
  keys: { agent: string; reviewer: string };
  /** A connected MCP client with the agent's key, over Streamable HTTP. */
  connectAgent(): Promise<Client>;
  stop(): Promise<void>;
}

/** `npm run users -- <args>` on `databaseUrl`, minus npm (the same command line as the npm script). */
async function usersCli(databaseUrl: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/users.ts", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return stdout;
}

/** `nodeOptions`: extra flags for the server's Node (e.g. `--cpu-prof` when profiling a figure). */
export async function startPeopleApp(nodeOptions: string[] = []): Promise<PeopleApp> {
  const folder = path.join(BENCH_TMP, `people-data-${process.pid}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const databaseUrl = path.join(folder, "app.db");
  const routingFile = path.join(folder, "routing.json");
  writeFileSync(
    routingFile,
    JSON.stringify({
      groups: { security: [PEOPLE_REVIEWER] },
      rules: [{ match: { server: "people", specialty: PEOPLE_SPECIALTY }, routeTo: ["security"], requesterMayAnswer: false }],
    }),
  );
  // The first call creates and migrates the database; after it, two at a time (each CLI start takes a second or two).
  await usersCli(databaseUrl, ["add", PEOPLE_AGENT, "--role", "requester"]);
  const [agentKey, reviewerKey] = await Promise.all([
    usersCli(databaseUrl, ["token", PEOPLE_AGENT]),
    usersCli(databaseUrl, ["add", PEOPLE_REVIEWER, "--role", "reviewer"]).then(() => usersCli(databaseUrl, ["token", PEOPLE_REVIEWER])),
  ]);
  const keys = { agent: agentKey.trim(), reviewer: reviewerKey.trim() };
  // One agent holds all 1,000 requests of figure 9b: its questions share one "conversation" (mcp:<user id>), whose
  // default cap of 20 pending would cancel the rest by design. startAppServer raises the per-server cap to 5,000,
  // which the app reads as the per-conversation one (and the total follows it).
  const app = await startAppServer("people", nodeOptions, { DATABASE_URL: databaseUrl, ROUTING_FILE: routingFile });
  return {
    app,
    keys,
    async connectAgent() {
      const client = new Client({ name: "bench-agent", version: "1" });
      const transport = new StreamableHTTPClientTransport(new URL("/api/mcp", app.baseUrl), {
        requestInit: { headers: { authorization: `Bearer ${keys.agent}` } },
      });
      await client.connect(transport);
      return client;
    },
    async stop() {
      await app.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
