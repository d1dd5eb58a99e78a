import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { serverState } from "@/lib/server-state";

/** Stops the process-wide MCP connection a test file started, so the next file starts its own. */
export async function closeMcpConnection(): Promise<void> {
  await serverState().mcp.closeBundled();
}

/** Closes every conversation's connection to the servers from mcp.json, then the bundled one. */
export async function closeAllMcpConnections(): Promise<void> {
  await serverState().mcp.closeAll();
}

/**
 * Points the app at an mcp.json with these servers, in a fresh temporary folder that also holds the app's
 * workspace, with the offline model. Returns the folder; `forgetMcpConfig` undoes it.
 */
export function useMcpConfig(servers: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-config-"));
  const file = path.join(dir, "mcp.json");
  writeFileSync(file, JSON.stringify({ mcpServers: servers }));
  process.env.MCP_CONFIG = file;
  process.env.WORKSPACE_DIR = path.join(dir, "workspace");
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  return dir;
}

export async function forgetMcpConfig(dir: string): Promise<void> {
  await closeAllMcpConnections();
  delete process.env.MCP_CONFIG;
  rmSync(dir, { recursive: true, force: true });
}
