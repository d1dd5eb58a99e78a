import "server-only";
import path from "node:path";
import type { MastraMCPServerDefinition, MCPClientProtocolVersion, MCPInputRequestHandler } from "@mastra/mcp";
import type { AppConfig } from "@/lib/config";
import { isHttpEntry, type ProtocolSetting, type ServerEntry } from "./config";

function pick(env: Record<string, string | undefined>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}

/** Both modes of the 2025-11-25 spec: forms, and URLs opened in the browser after consent. */
const capabilities = { elicitation: { form: {}, url: {} } };

/** A tool call stays open while the person decides, then while the work runs: the timeout must outlast both. */
function toolCallTimeout(config: AppConfig): number {
  return config.elicitationTimeoutMs + config.commandMaxTimeoutMs + 60_000;
}

/** Where the bundled server keeps what makes its pending approvals safe across restarts (mcp-server/README.md). */
export interface ShellApprovalState {
  /** Signs each approval's request state. */
  key: string;
  /** Records each request state once used, so none is accepted twice. */
  dir: string;
}

/**
 * The bundled shell server, spawned with this very Node binary (never a bare `node`, which may be too old) and a
 * minimal environment: a child can read its parent's environment from /proc, so app secrets never reach it.
 */
export function bundledServer(
  config: AppConfig,
  inputRequests: MCPInputRequestHandler,
  approvalState?: ShellApprovalState,
): MastraMCPServerDefinition {
  return {
    command: process.execPath,
    args: [path.join(/*turbopackIgnore: true*/ process.cwd(), "mcp-server", "stdio.ts")],
    inheritDefaultEnv: false,
    env: {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: config.workspaceDir,
      LANG: process.env.LANG ?? "C.UTF-8",
      WORKSPACE_DIR: config.workspaceDir,
      ELICITATION_TIMEOUT_MS: String(config.elicitationTimeoutMs),
      COMMAND_MAX_TIMEOUT_MS: String(config.commandMaxTimeoutMs),
      // The shell server's own settings, when set (see mcp-server/README.md).
      ...pick(process.env, ["SHELL_POLICY", "SHELL_SANDBOX", "COMMAND_TIMEOUT_MS", "COMMAND_MAX_OUTPUT_CHARS"]),
      // Approvals that outlive both processes: signed with a key kept beside the database, used at most once.
      ...(approvalState && {
        SHELL_REQUEST_STATE_KEY: approvalState.key,
        SHELL_STATE_DIR: approvalState.dir,
        // Never shorter than the app lets a question wait (the server allows no less than a minute).
        SHELL_APPROVAL_TTL_SECONDS: String(Math.max(60, Math.ceil(config.durableQuestionTimeoutMs / 1000))),
      }),
    },
    timeout: toolCallTimeout(config),
    // Our server speaks 2026-07-28 (input_required); saying so skips Mastra's probe, which spawns a throwaway copy.
    protocolVersion: "2026-07-28",
    // Each call carries a progress token (the chat run's id), and the server streams a command's output with it.
    enableProgressTracking: true,
    capabilities,
    inputRequests,
  };
}

/**
 * mcp.json's `protocol` in Mastra's terms: "auto" is its default (no pin: probe with server/discover, then speak
 * what the server offers), "legacy" skips the probe, and a revision (already checked by config.ts) is pinned.
 */
export function protocolVersion(setting: ProtocolSetting | undefined): MCPClientProtocolVersion | undefined {
  return setting === undefined || setting === "auto" ? undefined : setting;
}

/**
 * A server from mcp.json. Stdio servers get the MCP SDK's small default environment (PATH, HOME, USER...) plus
 * their own `env`, never the app's; `"command": "node"` means this app's own Node binary.
 */
export function configuredServer(entry: ServerEntry, config: AppConfig, inputRequests: MCPInputRequestHandler): MastraMCPServerDefinition {
  const common = { timeout: toolCallTimeout(config), protocolVersion: protocolVersion(entry.protocol), capabilities, inputRequests };
  if (isHttpEntry(entry)) {
    return { url: new URL(entry.url), requestInit: entry.headers ? { headers: entry.headers } : undefined, ...common };
  }
  return {
    command: entry.command === "node" ? process.execPath : entry.command,
    args: entry.args,
    env: entry.env,
    cwd: entry.cwd,
    ...common,
  };
}
