/**
 * Test support for /api/mcp: the official SDK client over Streamable HTTP whose fetch calls the route handlers in
 * process (what `next start` would run for the path), and a reviewer's answer through the real answer route.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { POST as answerRoute } from "@/app/api/elicitations/[id]/route";
import { DELETE, GET, POST } from "@/app/api/mcp/route";
import { Users } from "@/lib/auth/users";
import type { RequestOutcome } from "@/lib/experts/contract";
import { serverState } from "@/lib/server-state";

export const BASE = "http://127.0.0.1:3000";

/** 2026-07-28 pinned (per-request serving), or the plain 2025 handshake (the SDK's stateless fallback). */
export type Era = { pin: string } | "legacy";

/** fetch for the MCP client transports: calls the route handlers in process. */
export async function routeFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(url, init);
  const handler = { POST, GET, DELETE }[request.method as "POST" | "GET" | "DELETE"];
  return handler ? handler(request) : new Response(null, { status: 405 });
}

/** A connected client with this bearer key; close() it after the test. */
export async function connectPeople(key: string, era: Era): Promise<Client> {
  const client = new Client({ name: "route-test-agent", version: "1" }, { versionNegotiation: { mode: era } });
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/api/mcp`), {
    fetch: routeFetch,
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  return client;
}

/** A tool call's structured result, whether it was an error, and its first text. */
export async function callTool(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const [first] = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return { isError: result.isError === true, output: result.structuredContent as RequestOutcome | undefined, text: first?.text ?? "" };
}

/** A reviewer's answer through POST /api/elicitations/{id}, as the inbox sends it. */
export function answerAs(key: string, id: string, body: unknown): Promise<Response> {
  const request = new Request(`${BASE}/api/elicitations/${id}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return answerRoute(request, { params: Promise.resolve({ id }) });
}

/** The id of the pending "people" question whose message starts with `question`, once it is open. */
export async function pendingPeopleQuestion(question: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    const found = serverState()
      .registry.listPending()
      .find((data) => data.serverName === "people" && data.message.startsWith(question));
    if (found) return found.id;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no pending question "${question}"`);
}

/**
 * The team both /api/mcp suites use, in this process's app: a routing file sending every "people" question to
 * carol (who may answer; the asker may not), and API keys for alice (an agent), carol and mallory (another
 * requester). Call once, in a beforeAll.
 */
export async function setUpPeopleTeam(): Promise<Record<"alice" | "carol" | "mallory", string>> {
  const folder = mkdtempSync(path.join(os.tmpdir(), "mcp-people-"));
  process.env.ROUTING_FILE = path.join(folder, "routing.json");
  writeFileSync(
    process.env.ROUTING_FILE,
    JSON.stringify({
      groups: { experts: ["carol"] },
      rules: [{ match: { server: "people" }, routeTo: ["experts"], requesterMayAnswer: false }],
    }),
  );
  const state = serverState();
  await state.started;
  const users = new Users(state.auth);
  await users.add("alice", "requester");
  await users.add("carol", "reviewer");
  await users.add("mallory", "requester");
  return { alice: await users.token("alice"), carol: await users.token("carol"), mallory: await users.token("mallory") };
}
