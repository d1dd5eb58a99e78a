/**
 * The `run_command` tool: classify, then run at once, refuse (deny rule), or ask the person with a form that
 * lets them edit the command and remember the approval; run in the sandbox when there is one, streaming output
 * as progress notifications when the caller asked for progress.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ElicitResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { approvalFormSchema, readApproval } from "../approvals/approval-form.ts";
import type { ShellServerConfig } from "../config.ts";
import { COMMAND_META_KEY, CORRELATION_META_KEY, RISK_META_KEY, type Approval, type RunCommandOutput } from "../contract.ts";
import { repoConfigRisk } from "../git/git-safety.ts";
import { classifyCommand, type Classification } from "../policy/classifier.ts";
import { runCommand } from "./run-command.ts";
import { sandboxLauncher } from "../sandbox/sandbox.ts";
import type { SessionRules } from "../approvals/session-rules.ts";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Log = (message: string) => void;

export interface RunCommandDeps {
  server: McpServer;
  config: ShellServerConfig;
  rules: SessionRules;
  log: Log;
}

export async function handleRunCommand(
  { server, config, rules, log }: RunCommandDeps,
  proposed: string,
  timeoutMs: number | undefined,
  extra: Extra,
): Promise<CallToolResult> {
  const { sandbox } = config;
  const base = { proposedCommand: proposed, sandboxed: sandbox.active };
  const note = sandbox.active ? "" : ` (${sandbox.description})`;
  const notRun = (command: string, edited: boolean, approval: Approval, risk: string | undefined, why: string) =>
    toolResult({ ...base, command, edited, ran: false, approval, risk, ...NOT_RUN, sandboxed: false }, why);
  const classify = (command: string): Classification =>
    classifyCommand(command, {
      workspaceDir: config.workspaceDir,
      rules: config.policy.rules,
      gitRepoRisk: () => repoConfigRisk(config.workspaceDir),
      ...rules.classifyContext(),
    });

  if (sandbox.mode === "required" && !sandbox.active) {
    return notRun(
      proposed,
      false,
      "refused",
      undefined,
      `Not run: SHELL_SANDBOX=required and the sandbox does not work here: ${sandbox.description}.`,
    );
  }
  const verdict = classify(proposed);
  if (verdict.decision === "deny") return notRun(proposed, false, "denied", verdict.reason, `Not run: ${verdict.reason}.`);

  let command = proposed;
  let edited = false;
  let approval: Approval = verdict.decision === "allow" && verdict.by === "remembered" ? "remembered" : "not_required";
  let risk: string | undefined;
  if (verdict.decision === "ask") {
    risk = verdict.reason;
    if (!server.server.getClientCapabilities()?.elicitation) {
      return notRun(
        command,
        false,
        "unavailable",
        risk,
        `Not run: this command needs approval (${risk}) and the client cannot ask a person.`,
      );
    }
    let answer: ElicitResult;
    try {
      answer = await server.server.elicitInput(
        {
          mode: "form",
          message: `Run \`${command}\`? It ${risk}.`,
          requestedSchema: approvalFormSchema(command, verdict.prefix),
          _meta: {
            [COMMAND_META_KEY]: command,
            [RISK_META_KEY]: risk,
            ...(extra._meta?.[CORRELATION_META_KEY] !== undefined && { [CORRELATION_META_KEY]: extra._meta[CORRELATION_META_KEY] }),
          },
        },
        { relatedRequestId: extra.requestId, signal: extra.signal, timeout: config.elicitationTimeoutMs },
      );
    } catch (error) {
      log(`approval request failed for ${JSON.stringify(command)}: ${String(error)}`);
      return notRun(command, false, "failed", risk, `Not run: the approval request failed (${errorMessage(error)}).`);
    }
    if (answer.action === "decline") return notRun(command, false, "declined", risk, "Not run: the person declined.");
    if (answer.action !== "accept") return notRun(command, false, "cancelled", risk, "Not run: the approval was cancelled.");

    const approved = readApproval(proposed, answer.content);
    ({ command, edited } = approved);
    if (edited) {
      // The person may have typed anything; only the deny rules can overrule their explicit yes.
      const again = classify(command);
      if (again.decision === "deny")
        return notRun(command, true, "denied", again.reason, `Not run: the edited command is ${again.reason}.`);
    }
    if (approved.remember === "command") rules.add("command", command);
    if (approved.remember === "prefix" && verdict.prefix) rules.add("prefix", verdict.prefix);
    approval = "approved";
  }

  if (extra.signal.aborted) return notRun(command, edited, "cancelled", risk, "Not run: the tool call was cancelled.");
  const limit = Math.min(timeoutMs ?? config.defaultCommandTimeoutMs, config.maxCommandTimeoutMs);
  const result = await runCommand({
    command,
    cwd: config.workspaceDir,
    env: config.commandEnv,
    timeoutMs: limit,
    maxOutputChars: config.maxOutputChars,
    signal: extra.signal,
    launcher: sandbox.active
      ? sandboxLauncher({
          workspaceDir: config.workspaceDir,
          homeDir: config.homeDir,
          limits: config.limits,
          network: config.policy.rules.network,
        })
      : [],
    onOutput: progressReporter(extra, config.maxOutputChars),
  });
  const status = result.timedOut ? `timed out after ${limit} ms` : `exit code ${result.exitCode ?? result.signal}`;
  const how = approval === "remembered" ? " (approval remembered)" : edited ? " (edited before approval)" : "";
  return toolResult({ ...base, command, edited, ran: true, approval, risk, ...result }, `Ran \`${command}\`${how}: ${status}${note}.`);
}

/**
 * Sends output as MCP progress notifications when the caller gave a progressToken: `message` carries the new
 * text, `progress` counts characters so far (monotonic). Streaming stops after a budget so `yes` cannot flood
 * the connection; the final result still has head and tail.
 */
function progressReporter(extra: Extra, budget: number): ((stream: "stdout" | "stderr", text: string) => void) | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let sent = 0;
  let stopped = false;
  return (_stream, text) => {
    if (stopped) return;
    const message =
      sent + text.length > budget ? `${text.slice(0, budget - sent)}\n… live output stopped; the result keeps head and tail …\n` : text;
    stopped = message !== text;
    sent += message.length;
    void extra.sendNotification({ method: "notifications/progress", params: { progressToken, progress: sent, message } }).catch(() => {});
  };
}

const NOT_RUN = { exitCode: null, signal: null, timedOut: false, stdout: "", stderr: "", truncated: false, durationMs: 0 };

function toolResult(output: Omit<RunCommandOutput, "summary">, summary: string): CallToolResult {
  const structured: RunCommandOutput = { ...output, summary };
  return {
    // The spec asks tools with structured output to repeat it as JSON text for clients that read only text.
    content: [{ type: "text", text: JSON.stringify(structured) }],
    structuredContent: structured,
    // A non-zero exit is an answer, not a tool failure; only "could not even ask / could not run safely" is.
    isError: output.approval === "unavailable" || output.approval === "failed" || output.approval === "refused",
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
