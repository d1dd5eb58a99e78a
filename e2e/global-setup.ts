import { rmSync } from "node:fs";
import path from "node:path";
import { startE2eModernServer, UPSTREAM_DOWN_FLAG } from "./modern-server";
import { E2E_DATABASE, E2E_WORKSPACE } from "./workspace";

/**
 * Every run starts from an empty workspace, so listings stay short and tests never see old folders. The 2026-07-28
 * HTTP server from mcp.e2e.json runs for the whole run (the app connects to it lazily, on a conversation's first
 * turn) and is stopped by the returned teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(E2E_WORKSPACE, { recursive: true, force: true });
  rmSync(path.dirname(E2E_DATABASE), { recursive: true, force: true });
  rmSync(UPSTREAM_DOWN_FLAG, { force: true });
  const modern = await startE2eModernServer();
  return () => modern.close();
}
