import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startModernHttpServer, type RunningFixtureServer } from "../testing/fixtures/modern-http-server";

/**
 * The 2026-07-28 server the e2e app reaches over Streamable HTTP ("deploys" in mcp.e2e.json, which names this
 * port). Started by global-setup.ts for the whole run, on loopback, and stopped at its end.
 */
export const MODERN_HTTP_PORT = 3109;

/** While this file exists, the server's tools/list fails as if its upstream were down (a test turns it on and off). */
export const UPSTREAM_DOWN_FLAG = path.join(tmpdir(), `elicit-chat-e2e-${MODERN_HTTP_PORT}-upstream-down`);
export const UPSTREAM_DOWN = "upstream deploy API unreachable";

export function startE2eModernServer(): Promise<RunningFixtureServer> {
  return startModernHttpServer({
    port: MODERN_HTTP_PORT,
    failToolsList: () => (existsSync(UPSTREAM_DOWN_FLAG) ? UPSTREAM_DOWN : undefined),
  });
}
