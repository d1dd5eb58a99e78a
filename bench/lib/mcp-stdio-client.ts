/**
 * A bare MCP SDK client over stdio: the baseline side of figures 1 and 4. It declares elicitation support and
 * answers every elicitation at once, so a round trip through it is the SDK's and stdio's cost and nothing else.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { elapsedMs } from "./clock.ts";

export interface StdioServerSpec {
  script: string;
  env: Record<string, string>;
}

export interface ConnectedClient {
  client: Client;
  /** Milliseconds from spawning the server to having its tool list. */
  coldStartMs: number;
  close(): Promise<void>;
}

/** Spawns the server with this Node, connects, lists its tools, and times the whole of it. */
export async function connectAndListTools({ script, env }: StdioServerSpec): Promise<ConnectedClient> {
  const client = new Client({ name: "bench", version: "0.0.0" }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
  const started = performance.now();
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [script], env, stderr: "ignore" }));
  const { tools } = await client.listTools();
  const coldStartMs = elapsedMs(started);
  if (tools.length === 0) throw new Error(`${script} listed no tools`);
  return { client, coldStartMs, close: () => client.close() };
}

/** The environment the app gives its MCP server: nothing of the parent's beyond these. */
export function minimalEnv(workspaceDir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: workspaceDir,
    LANG: process.env.LANG ?? "C.UTF-8",
    WORKSPACE_DIR: workspaceDir,
  };
}

/** One bare elicitation round trip as the bare server timed it (elicitInput call to resolve), in ms. */
export async function bareElicitation(client: Client): Promise<number> {
  const result = await client.callTool({ name: "elicit_times", arguments: { count: 1 } });
  const content = result.content as Array<{ type: string; text?: string }>;
  const [ms] = JSON.parse(content[0]?.text ?? "[]") as number[];
  if (ms === undefined) throw new Error("the bare server returned no timing");
  return ms;
}
