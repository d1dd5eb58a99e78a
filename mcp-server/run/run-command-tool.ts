/**
 * The `run_command` tool: classify, then run at once, refuse (deny rule), or ask the person with a form that
 * lets them edit the command and remember the approval; run in the sandbox when there is one, streaming output
 * as progress notifications when the caller asked for progress.
 *
 * How it asks depends on the request's protocol era: a 2025-11-25 client gets a pushed elicitation while the
 * call waits (below); a 2026-07-28 call ENDS with `input_required` and is retried with the answer, possibly days
 * later in another process (approval-rounds.ts).
 */
import type { CallToolResult, InputRequiredResult, McpServer, ServerContext } from "@modelcontextprotocol/server";
import { approvalFormSchema, readApproval } from "../approvals/approval-form.ts";
import type { ApprovalStates } from "../approvals/request-state.ts";
import type { SessionRules } from "../approvals/session-rules.ts";
import type { ShellServerConfig } from "../config.ts";
import { type Approval } from "../contract.ts";
import { repoConfigRisk } from "../git/git-safety.ts";
import { classifyCommand, type Classification } from "../policy/classifier.ts";
import { sandboxLauncher } from "../sandbox/sandbox.ts";
import { approvalMeta, isModernRequest, requestApproval, resumeApproval, type Answer } from "./approval-rounds.ts";
import { runCommand } from "./run-command.ts";
import { errorMessage, NOT_RUN, toolResult } from "./tool-result.ts";

type Log = (message: string) => void;

export interface RunCommandDeps {
  server: McpServer;
  config: ShellServerConfig;
  rules: SessionRules;
  approvals: ApprovalStates;
  log: Log;
}

/** One run_command call, as the pieces that classify, ask and run it see it. */
export interface Turn {
  deps: RunCommandDeps;
  proposed: string;
  timeoutMs: number | undefined;
  ctx: ServerContext;
  classify(command: string): Classification;
  notRun(command: string, edited: boolean, approval: Approval, risk: string | undefined, why: string): CallToolResult;
}

export async function handleRunCommand(
  deps: RunCommandDeps,
  args: { command: string; timeoutMs?: number },
  ctx: ServerContext,
): Promise<CallToolResult | InputRequiredResult> {
  const { config, rules } = deps;
  const { sandbox } = config;
  const proposed = args.command;
  const turn: Turn = {
    deps,
    proposed,
    timeoutMs: args.timeoutMs,
    ctx,
    classify: (command) =>
      classifyCommand(command, {
        workspaceDir: config.workspaceDir,
        rules: config.policy.rules,
        gitRepoRisk: () => repoConfigRisk(config.workspaceDir),
        ...rules.classifyContext(),
      }),
    notRun: (command, edited, approval, risk, why) =>
      toolResult({ proposedCommand: proposed, command, edited, ran: false, approval, risk, ...NOT_RUN, sandboxed: false }, why),
  };

  if (sandbox.mode === "required" && !sandbox.active) {
    const why = `Not run: SHELL_SANDBOX=required and the sandbox does not work here: ${sandbox.description}.`;
    return turn.notRun(proposed, false, "refused", undefined, why);
  }
  const modern = isModernRequest(deps.server);
  // A retry carrying the person's answer: its state decides, checked before anything else.
  if (modern && ctx.mcpReq.requestState() !== undefined) return resumeApproval(turn, settleAndRun);

  const verdict = turn.classify(proposed);
  if (verdict.decision === "deny") return turn.notRun(proposed, false, "denied", verdict.reason, `Not run: ${verdict.reason}.`);
  if (verdict.decision === "allow") return execute(turn, proposed, false, verdict.by === "remembered" ? "remembered" : "not_required");

  const risk = verdict.reason;
  if (modern) return requestApproval(turn, risk, verdict.prefix);
  if (!deps.server.server.getClientCapabilities()?.elicitation) {
    const why = `Not run: this command needs approval (${risk}) and the client cannot ask a person.`;
    return turn.notRun(proposed, false, "unavailable", risk, why);
  }
  let answer: Answer;
  try {
    answer = await ctx.mcpReq.elicitInput(
      {
        mode: "form",
        message: `Run \`${proposed}\`? It ${risk}.`,
        requestedSchema: approvalFormSchema(proposed, verdict.prefix),
        _meta: approvalMeta(turn, risk),
      },
      { relatedRequestId: ctx.mcpReq.id, signal: ctx.mcpReq.signal, timeout: config.elicitationTimeoutMs },
    );
  } catch (error) {
    deps.log(`approval request failed for ${JSON.stringify(proposed)}: ${String(error)}`);
    return turn.notRun(proposed, false, "failed", risk, `Not run: the approval request failed (${errorMessage(error)}).`);
  }
  return settleAndRun(turn, answer, risk, verdict.prefix);
}

/** The person's answer, in either era: accept runs (an edited command checked again), anything else does not. */
export async function settleAndRun(
  turn: Turn,
  answer: Answer,
  risk: string | undefined,
  prefix: string | undefined,
): Promise<CallToolResult> {
  const { proposed, deps } = turn;
  if (answer.action === "decline") return turn.notRun(proposed, false, "declined", risk, "Not run: the person declined.");
  if (answer.action !== "accept") return turn.notRun(proposed, false, "cancelled", risk, "Not run: the approval was cancelled.");

  const { command, edited, remember } = readApproval(proposed, answer.content);
  if (edited) {
    // The person may have typed anything; only the deny rules can overrule their explicit yes.
    const again = turn.classify(command);
    if (again.decision === "deny")
      return turn.notRun(command, true, "denied", again.reason, `Not run: the edited command is ${again.reason}.`);
  }
  if (remember === "command") deps.rules.add("command", command);
  if (remember === "prefix" && prefix) deps.rules.add("prefix", prefix);
  return execute(turn, command, edited, "approved", risk);
}

async function execute(turn: Turn, command: string, edited: boolean, approval: Approval, risk?: string): Promise<CallToolResult> {
  const { config } = turn.deps;
  const { sandbox } = config;
  const { signal } = turn.ctx.mcpReq;
  if (signal.aborted) return turn.notRun(command, edited, "cancelled", risk, "Not run: the tool call was cancelled.");
  const limit = Math.min(turn.timeoutMs ?? config.defaultCommandTimeoutMs, config.maxCommandTimeoutMs);
  const result = await runCommand({
    command,
    cwd: config.workspaceDir,
    env: config.commandEnv,
    timeoutMs: limit,
    maxOutputChars: config.maxOutputChars,
    signal,
    launcher: sandbox.active
      ? sandboxLauncher({
          workspaceDir: config.workspaceDir,
          homeDir: config.homeDir,
          limits: config.limits,
          network: config.policy.rules.network,
        })
      : [],
    onOutput: progressReporter(turn.ctx, config.maxOutputChars),
  });
  const status = result.timedOut ? `timed out after ${limit} ms` : `exit code ${result.exitCode ?? result.signal}`;
  const how = approval === "remembered" ? " (approval remembered)" : edited ? " (edited before approval)" : "";
  const note = sandbox.active ? "" : ` (${sandbox.description})`;
  return toolResult(
    { proposedCommand: turn.proposed, command, edited, ran: true, approval, risk, ...result, sandboxed: sandbox.active },
    `Ran \`${command}\`${how}: ${status}${note}.`,
  );
}

/**
 * Sends output as MCP progress notifications when the caller gave a progressToken: `message` carries the new
 * text, `progress` counts characters so far (monotonic). Streaming stops after a budget so `yes` cannot flood
 * the connection; the final result still has head and tail.
 */
function progressReporter(ctx: ServerContext, budget: number): ((stream: "stdout" | "stderr", text: string) => void) | undefined {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let sent = 0;
  let stopped = false;
  return (_stream, text) => {
    if (stopped) return;
    const message =
      sent + text.length > budget ? `${text.slice(0, budget - sent)}\n… live output stopped; the result keeps head and tail …\n` : text;
    stopped = message !== text;
    sent += message.length;
    void ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken, progress: sent, message } }).catch(() => {});
  };
}
