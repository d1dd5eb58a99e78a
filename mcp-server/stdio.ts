/**
 * Entry point: serves the shell MCP server over stdio. stdout carries the protocol, so logs go to stderr only.
 * Run with `npm run mcp:stdio`, or `node mcp-server/stdio.ts` on Node >= 22.18 (type stripping).
 *
 * serveStdio picks the connection's era from its opening: `initialize` (2025-11-25, approvals are pushed
 * elicitations) or `server/discover` (2026-07-28, approvals end the call with `input_required`).
 */
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { configFromEnv, describeConfig } from "./config.ts";
import { createServer } from "./server.ts";

const log = (message: string) => process.stderr.write(`[shell-mcp] ${message}\n`);

const config = (() => {
  try {
    return configFromEnv();
  } catch (error) {
    // A setting it did not understand: refuse to start, saying which (as http.ts does).
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
})();
describeConfig(config).forEach(log);
const connection = serveStdio(() => createServer(config, log), { onerror: (error) => log(`protocol error: ${error.message}`) });
log("ready on stdio");

// The client closing stdin is how stdio servers are told to stop. Nothing pending runs then: a question waits
// for an answer that can no longer come, and a 2026-07-28 approval runs only on a retry.
process.stdin.on("close", () => {
  void connection.close().finally(() => process.exit(0));
});
