/**
 * Reads `mcp.json` (path from MCP_CONFIG) in the `mcpServers` format Claude Desktop and VS Code use: stdio
 * entries (command, args, env, cwd) and Streamable HTTP entries (url, headers), each with optional `protocol` and
 * approval-gate settings. A bad entry is reported by name with the reason and left out; the others still load, and
 * a missing file just means no extra servers.
 */
import "server-only";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { MCP_CLIENT_PROTOCOL_VERSION } from "@mastra/mcp";
import { z } from "zod";
import { errorMessage } from "@/lib/errors";
import { BUNDLED_SERVER_NAME } from "./tool-names";

/**
 * The client-side approval gate for a server's tools (see lib/mcp/tool-approval.ts): "always" asks before every
 * call, "unless-read-only" (the default) lets tools annotated readOnlyHint run and asks for the rest, "never"
 * trusts the server to ask by itself. allowTools run without asking, denyTools are never offered to the model.
 */
export const approveSettingSchema = z.enum(["always", "unless-read-only", "never"]);
export type ApproveSetting = z.infer<typeof approveSettingSchema>;
/**
 * Which MCP protocol to speak to the server (README: "Choosing the protocol"): "legacy" (the 2025 initialize
 * handshake; elicitation/create during the call), "auto" (probe and speak what the server offers; the default), or
 * a revision to pin. Only revisions the installed MCP client can pin are accepted, so a typo or a version it does
 * not know is named in the problems instead of failing at connect time.
 */
export const protocolSettingSchema = z.union([z.enum(["legacy", "auto"]), z.literal(MCP_CLIENT_PROTOCOL_VERSION)], {
  error: (issue) => protocolProblem(issue.input),
});
export type ProtocolSetting = z.infer<typeof protocolSettingSchema>;

function protocolProblem(input: unknown): string {
  const choices = `"legacy", "auto" or "${MCP_CLIENT_PROTOCOL_VERSION}"`;
  if (typeof input !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(input)) return `expected ${choices}`;
  // Revisions compare as dates. The client negotiates the older ones itself; it can only pin the newest.
  if (input < MCP_CLIENT_PROTOCOL_VERSION) {
    return `"${input}" cannot be pinned: use "legacy", which agrees with the server on the newest revision before ${MCP_CLIENT_PROTOCOL_VERSION} both speak`;
  }
  return `"${input}" is not a revision this client knows; expected ${choices}`;
}
const gateSettings = {
  approve: approveSettingSchema.optional(),
  allowTools: z.array(z.string().min(1)).optional(),
  denyTools: z.array(z.string().min(1)).optional(),
  protocol: protocolSettingSchema.optional(),
};

const stdioEntry = z.strictObject({
  ...gateSettings,
  type: z.literal("stdio").optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
const httpEntry = z.strictObject({
  ...gateSettings,
  type: z.enum(["http", "streamable-http", "streamableHttp"]).optional(),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
});

export type StdioServerEntry = z.infer<typeof stdioEntry>;
export type HttpServerEntry = z.infer<typeof httpEntry>;
export type ServerEntry = StdioServerEntry | HttpServerEntry;

export interface McpConfig {
  servers: Record<string, ServerEntry>;
  /** One line per problem, naming the entry and why: logged, and named in the chat above the turn's reply (data-server-notice). */
  problems: string[];
}

// Server names become tool-name prefixes (`${server}_${tool}`), which models only accept in this alphabet.
const NAME = /^[A-Za-z0-9-]{1,40}$/;

export function parseMcpConfig(text: string, source: string): McpConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { servers: {}, problems: [`${source}: not valid JSON (${errorMessage(error)})`] };
  }
  const root = json as { mcpServers?: unknown; servers?: unknown } | null;
  const entries = root && typeof root === "object" ? (root.mcpServers ?? root.servers) : undefined;
  if (!entries || typeof entries !== "object" || Array.isArray(entries)) {
    return { servers: {}, problems: [`${source}: expected an object with "mcpServers": { name: { ... } }`] };
  }

  const servers: Record<string, ServerEntry> = {};
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (name === BUNDLED_SERVER_NAME) {
      problems.push(`${source}: server "${name}": the name is taken by the bundled shell server; pick another`);
      continue;
    }
    if (!NAME.test(name)) {
      problems.push(`${source}: server "${name}": use letters, digits and "-" only (at most 40)`);
      continue;
    }
    const isHttp = entry && typeof entry === "object" && "url" in entry;
    const parsed = (isHttp ? httpEntry : stdioEntry).safeParse(entry);
    if (parsed.success) servers[name] = parsed.data;
    else {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      problems.push(`${source}: server "${name}": ${where}${issue?.message ?? "invalid entry"}`);
    }
  }
  return { servers, problems };
}

export function loadMcpConfig(env: Record<string, string | undefined> = process.env): McpConfig {
  const file = path.resolve(/*turbopackIgnore: true*/ env.MCP_CONFIG || "mcp.json");
  if (!existsSync(file)) {
    return { servers: {}, problems: env.MCP_CONFIG ? [`MCP_CONFIG: no file at ${file}`] : [] };
  }
  try {
    return parseMcpConfig(readFileSync(file, "utf8"), path.basename(file));
  } catch (error) {
    return { servers: {}, problems: [`${file}: cannot be read (${errorMessage(error)})`] };
  }
}

export function isHttpEntry(entry: ServerEntry): entry is HttpServerEntry {
  return "url" in entry;
}
