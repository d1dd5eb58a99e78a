/**
 * Entry point: serves the shell MCP server over Streamable HTTP at http://127.0.0.1:MCP_HTTP_PORT/mcp.
 * Run with `MCP_HTTP_TOKEN=... npm run mcp:http`; logs go to stderr.
 */
import { configFromEnv, describeConfig } from "./config.ts";
import { startHttpServer } from "./http-server.ts";

const log = (message: string) => process.stderr.write(`[shell-mcp http] ${message}\n`);

const port = Number(process.env.MCP_HTTP_PORT || 3333);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`MCP_HTTP_PORT must be a port number, got "${process.env.MCP_HTTP_PORT}"`);

const config = configFromEnv();
describeConfig(config).forEach(log);
try {
  const server = await startHttpServer({
    config,
    port,
    token: process.env.MCP_HTTP_TOKEN || undefined,
    localOnly: process.env.MCP_HTTP_LOCAL_ONLY === "1",
    log,
  });
  log(`listening on ${server.url}`);
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
