import { Client, StreamableHTTPClientTransport, type VersionNegotiationMode } from "@modelcontextprotocol/client";
import { passwordFrom, usersCli } from "./team";

/**
 * An agent that asks the team through the app's own MCP server ("people", /api/mcp): the official SDK client over
 * Streamable HTTP, in the test process, with the API key of a user made for it by the users CLI while the app runs
 * (as an operator adds an agent to a live deployment).
 */
export interface PeopleAgent {
  name: string;
  client: Client;
  /** A tool's structured result; throws on a tool error, with its text. */
  call(tool: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Adds `name` (role requester) to the team's database and returns its API key. */
export async function addAgentUser(databaseUrl: string, name: string): Promise<string> {
  passwordFrom(await usersCli(databaseUrl, ["add", name, "--role", "requester"]));
  return (await usersCli(databaseUrl, ["token", name])).trim();
}

/** Connects as the key's user; `mode` is the client's protocol negotiation (its default is the 2025 handshake). */
export async function connectAgent(
  baseURL: string,
  name: string,
  apiKey: string,
  mode: VersionNegotiationMode = "legacy",
): Promise<PeopleAgent> {
  const client = new Client({ name, version: "1" }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(new URL("/api/mcp", baseURL), {
    requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
  });
  await client.connect(transport);
  return {
    name,
    client,
    async call(tool, args) {
      const result = await client.callTool({ name: tool, arguments: args });
      if (result.isError) throw new Error(`${tool}: ${JSON.stringify(result.content)}`);
      return result.structuredContent as Record<string, unknown>;
    },
    close: () => client.close(),
  };
}
