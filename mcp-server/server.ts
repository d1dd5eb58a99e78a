/**
 * The bundled shell MCP server: one tool, `run_command`, that runs read-only commands at once and asks the
 * person (an MCP form elicitation) before anything that can delete, write, kill, escalate or that it cannot parse.
 * It knows nothing of the chat app; any MCP client with elicitation support can drive it.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import type { ShellServerConfig } from "./config.ts";
import {
  COMMAND_META_KEY,
  CORRELATION_META_KEY,
  RISK_META_KEY,
  RUN_COMMAND_TOOL,
  SERVER_NAME,
  runCommandInputShape,
  runCommandOutputShape,
  type Approval,
  type RunCommandOutput,
} from "./contract.ts";
import { classifyCommand } from "./policy.ts";
import { runCommand } from "./run-command.ts";

type Log = (message: string) => void;

export function createServer(config: ShellServerConfig, log: Log = () => {}): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: "0.1.0" }, { capabilities: { tools: {} } });

  server.registerTool(
    RUN_COMMAND_TOOL,
    {
      title: "Run a shell command",
      description:
        "Runs a shell command line in the workspace directory and returns its exit code and output. " +
        "Read-only commands run at once; commands that can change or delete things wait for a person's approval " +
        "and do not run if it is declined.",
      inputSchema: runCommandInputShape,
      outputSchema: runCommandOutputShape,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    async ({ command, timeoutMs }, extra): Promise<CallToolResult> => {
      const notRun = (approval: Approval, risk: string | undefined, why: string) =>
        toolResult({ command, ran: false, approval, risk, ...NOT_RUN }, why);

      const verdict = classifyCommand(command);
      let approval: Approval = "not_required";
      let risk: string | undefined;
      if (verdict.decision === "ask") {
        risk = verdict.reason;
        if (!server.server.getClientCapabilities()?.elicitation) {
          return notRun("unavailable", risk, `Not run: this command needs approval (${risk}) and the client cannot ask a person.`);
        }
        let answer: ElicitResult;
        try {
          answer = await server.server.elicitInput(
            {
              mode: "form",
              message: `Run \`${command}\`? It ${risk}.`,
              requestedSchema: { type: "object", properties: {} },
              _meta: {
                [COMMAND_META_KEY]: command,
                [RISK_META_KEY]: risk,
                ...(extra._meta?.[CORRELATION_META_KEY] !== undefined && {
                  [CORRELATION_META_KEY]: extra._meta[CORRELATION_META_KEY],
                }),
              },
            },
            { relatedRequestId: extra.requestId, signal: extra.signal, timeout: config.elicitationTimeoutMs },
          );
        } catch (error) {
          log(`approval request failed for ${JSON.stringify(command)}: ${String(error)}`);
          return notRun("failed", risk, `Not run: the approval request failed (${errorMessage(error)}).`);
        }
        if (answer.action === "decline") return notRun("declined", risk, "Not run: the person declined.");
        if (answer.action !== "accept") return notRun("cancelled", risk, "Not run: the approval was cancelled.");
        approval = "approved";
      }

      if (extra.signal.aborted) return notRun("cancelled", risk, "Not run: the tool call was cancelled.");
      const limit = Math.min(timeoutMs ?? config.defaultCommandTimeoutMs, config.maxCommandTimeoutMs);
      const result = await runCommand({
        command,
        cwd: config.workspaceDir,
        env: config.commandEnv,
        timeoutMs: limit,
        maxOutputChars: config.maxOutputChars,
        signal: extra.signal,
      });
      const status = result.timedOut ? `timed out after ${limit} ms` : `exit code ${result.exitCode ?? result.signal}`;
      return toolResult({ command, ran: true, approval, risk, ...result }, `Ran \`${command}\`: ${status}.`);
    },
  );

  return server;
}

const NOT_RUN = { exitCode: null, signal: null, timedOut: false, stdout: "", stderr: "", truncated: false, durationMs: 0 };

function toolResult(output: Omit<RunCommandOutput, "summary">, summary: string): CallToolResult {
  const structured: RunCommandOutput = { ...output, summary };
  return {
    // The spec asks tools with structured output to repeat it as JSON text for clients that read only text.
    content: [{ type: "text", text: JSON.stringify(structured) }],
    structuredContent: structured,
    // A non-zero exit is an answer, not a tool failure; only "could not even ask" is.
    isError: output.approval === "unavailable" || output.approval === "failed",
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
