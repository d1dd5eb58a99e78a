/**
 * Entry point: serves the shell MCP server over Streamable HTTP at http://127.0.0.1:MCP_HTTP_PORT/mcp.
 * Run with `MCP_HTTP_TOKEN=... npm run mcp:http`; logs go to stderr.
 */
import { configFromEnv, describeConfig, httpSettingsFromEnv } from "./config.ts";
import { startHttpServer } from "./http-server.ts";

const log = (message: string) => process.stderr.write(`[shell-mcp http] ${message}\n`);

try {
  const settings = httpSettingsFromEnv(process.env);
  const config = configFromEnv();
  describeConfig(config).forEach(log);
  const server = await startHttpServer({ config, log, ...settings });
  log(`listening on ${server.url}`);
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
