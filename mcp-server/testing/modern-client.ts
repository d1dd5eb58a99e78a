/**
 * Test helper: a 2026-07-28 MCP client (SDK v2, era pinned) in manual multi-round-trip mode, so a test sees the
 * raw `input_required` result and retries the call itself, as a client that keeps a question open for days does.
 */
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { runCommandOutputSchema, RUN_COMMAND_TOOL, type RunCommandOutput } from "../contract.ts";
import type { ShellServerConfig } from "../config.ts";
import { createServer } from "../server.ts";

export const MODERN_REVISION = "2026-07-28";

export interface ModernCall {
  command: string;
  timeoutMs?: number;
  _meta?: Record<string, unknown>;
  inputResponses?: Record<string, unknown>;
  requestState?: string;
}

/** What a call came back with: the question (and the state to echo), or the tool's output. */
export type ModernOutcome =
  | { kind: "input_required"; inputRequests: Record<string, { method: string; params: Record<string, unknown> }>; requestState: string }
  | { kind: "result"; output: RunCommandOutput; isError: boolean };

function modernClient(canElicit: boolean): Client {
  return new Client(
    { name: "modern-test", version: "1" },
    {
      capabilities: canElicit ? { elicitation: { form: {} } } : {},
      versionNegotiation: { mode: { pin: MODERN_REVISION } },
      inputRequired: { autoFulfill: false },
    },
  );
}

function caller(client: Client) {
  return async ({ command, timeoutMs, _meta, inputResponses, requestState }: ModernCall): Promise<ModernOutcome> => {
    const params = {
      name: RUN_COMMAND_TOOL,
      arguments: { command, ...(timeoutMs !== undefined && { timeoutMs }) },
      ...(_meta && { _meta }),
      ...(inputResponses && { inputResponses }),
      ...(requestState !== undefined && { requestState }),
    };
    const result = (await client.request({ method: "tools/call", params }, { allowInputRequired: true })) as Record<string, unknown>;
    if (result.resultType === "input_required") {
      return {
        kind: "input_required",
        inputRequests: result.inputRequests as Extract<ModernOutcome, { kind: "input_required" }>["inputRequests"],
        requestState: result.requestState as string,
      };
    }
    return { kind: "result", output: runCommandOutputSchema.parse(result.structuredContent), isError: result.isError === true };
  };
}

/** A modern client linked in memory to the server as serveStdio serves it (same factory, same era choice). */
export async function connectModernInMemory(config: ShellServerConfig, options: { canElicit?: boolean } = {}) {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const connection = serveStdio(() => createServer(config), { transport: serverTransport });
  const client = modernClient(options.canElicit ?? true);
  await client.connect(clientTransport);
  const close = async () => {
    await client.close();
    await connection.close();
  };
  return { call: caller(client), close };
}

/** A modern client driving the real entry point, `node mcp-server/stdio.ts`, in its own process. */
export async function connectModernStdio(env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.resolve(import.meta.dirname, "..", "stdio.ts")],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stderr: "pipe",
  });
  const client = modernClient(true);
  await client.connect(transport);
  return { call: caller(client), close: () => client.close(), pid: () => transport.pid };
}

/** The accepted answer a person gives to the approval form, optionally with fields filled in. */
export const accept = (content: Record<string, unknown> = {}) => ({ approval: { action: "accept", content } });
