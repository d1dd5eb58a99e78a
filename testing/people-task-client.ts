/**
 * Test support for MCP Tasks on /api/mcp (protocol 2025-11-25), in process like people-mcp-client.ts: the task
 * requests a task-aware client sends, made with the SDK v2 client (whose typed surface has no task methods, so each
 * names the spec's result schema), and a client that runs tasks itself: SDK v1's experimental tasks, which
 * augments calls to tools declaring taskSupport and polls tasks/get as the server's pollInterval says.
 */
import { specTypeSchemas, type Client, type RequestOptions } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { BASE, routeFetch } from "./people-mcp-client";

/** tools/call with `task`: the CreateTaskResult. */
export function callAsTask(client: Client, name: string, args: Record<string, unknown>) {
  const params = { name, arguments: args, task: { ttl: 60_000 } };
  return client.request({ method: "tools/call", params }, specTypeSchemas.CreateTaskResult);
}

export function getTask(client: Client, taskId: string) {
  return client.request({ method: "tasks/get", params: { taskId } }, specTypeSchemas.GetTaskResult);
}

/** tasks/result: held until the task ends, then the tool's own result. */
export function taskResult(client: Client, taskId: string, options?: RequestOptions) {
  return client.request({ method: "tasks/result", params: { taskId } }, specTypeSchemas.CallToolResult, options);
}

export function listTasks(client: Client) {
  return client.request({ method: "tasks/list", params: {} }, specTypeSchemas.ListTasksResult);
}

export function cancelTask(client: Client, taskId: string) {
  return client.request({ method: "tasks/cancel", params: { taskId } }, specTypeSchemas.CancelTaskResult);
}

/** The JSON-RPC error a request was refused with (code and message), or "no error". */
export async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string } | "no error"> {
  try {
    await request;
    return "no error";
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code, message };
  }
}

/** A connected task-aware client (SDK v1) with this bearer key; it lists tools first, to learn which run as tasks. */
export async function connectTaskAwareClient(key: string): Promise<V1Client> {
  const client = new V1Client({ name: "task-aware-agent", version: "1" });
  const transport = new V1Transport(new URL(`${BASE}/api/mcp`), {
    fetch: routeFetch,
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  await client.listTools();
  return client;
}
