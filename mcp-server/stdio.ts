/**
 * Entry point: serves the shell MCP server over stdio. stdout carries the protocol, so logs go to stderr only.
 * Run with `npm run mcp:stdio`, or `node mcp-server/stdio.ts` on Node >= 22.18 (type stripping).
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
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
const server = createServer(config, log);
await server.connect(new StdioServerTransport());
log("ready on stdio");

// The client closing stdin is how stdio servers are told to stop.
process.stdin.on("close", () => {
  void server.close().finally(() => process.exit(0));
});
