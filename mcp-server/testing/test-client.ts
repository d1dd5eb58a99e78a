/**
 * Test helper: a real MCP client linked in memory to a fresh server, with a scripted elicitation handler.
 */
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { configFromEnv } from "../config.ts";
import { runCommandOutputSchema, type RememberedRule } from "../contract.ts";
import { createServer } from "../server.ts";

export type Answer = (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>;

const open = new Set<() => Promise<unknown>>();

/** Closes every connection a test opened and has not closed (a failed assertion skips its own close): use in afterEach. */
export async function closeConnections(): Promise<void> {
  const closing = [...open];
  open.clear();
  await Promise.all(closing.map((close) => close()));
}

function tracked(close: () => Promise<unknown>): () => Promise<unknown> {
  const once = () => {
    open.delete(once);
    return close();
  };
  open.add(once);
  return once;
}

export async function connectInMemory(env: Record<string, string | undefined>, answer?: Answer) {
  const server = createServer(configFromEnv({ PATH: process.env.PATH, ...env }));
  const client = new Client({ name: "test", version: "1" }, { capabilities: answer ? { elicitation: { form: {} } } : {} });
  const asked: ElicitRequest[] = [];
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request);
      return answer(request);
    });
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  const run = async (
    command: string,
    options: { onprogress?: (progress: Progress) => void; signal?: AbortSignal; timeoutMs?: number; _meta?: Record<string, unknown> } = {},
  ) => {
    const { onprogress, signal, timeoutMs, _meta } = options;
    const result = await client.callTool({ name: "run_command", arguments: { command, timeoutMs }, _meta }, undefined, {
      onprogress,
      signal,
    });
    return runCommandOutputSchema.parse(result.structuredContent);
  };
  const listRules = async (_meta?: Record<string, unknown>) => {
    const result = await client.callTool({ name: "list_rules", arguments: {}, _meta });
    return (result.structuredContent as { rules: RememberedRule[] }).rules;
  };
  const revokeRule = (id: string, _meta?: Record<string, unknown>) => client.callTool({ name: "revoke_rule", arguments: { id }, _meta });
  const close = tracked(() => Promise.all([client.close(), server.close()]));
  return { client, run, asked, listRules, revokeRule, close };
}

/** A real MCP client connected to the server as clients run it: a separate Node process on stdio. */
export async function connectStdio(workspace: string, action?: ElicitResult["action"]): Promise<Client> {
  const client = new Client({ name: "stdio-test", version: "1" }, { capabilities: action ? { elicitation: { form: {} } } : {} });
  if (action) client.setRequestHandler(ElicitRequestSchema, () => ({ action, ...(action === "accept" && { content: {} }) }));
  tracked(() => client.close());
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve(import.meta.dirname, "..", "stdio.ts")],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", WORKSPACE_DIR: workspace },
      stderr: "pipe",
    }),
  );
  return client;
}
