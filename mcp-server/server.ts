/**
 * The bundled shell MCP server: `run_command`, which runs read-only commands at once and asks the person (an MCP
 * form elicitation) before anything that can delete, write, kill, escalate or that it cannot parse; plus
 * `list_rules` and `revoke_rule` for the approvals the person chose to remember in a conversation.
 * It knows nothing of the chat app; any MCP client with elicitation support can drive it.
 * One instance serves one MCP session: remembered approvals live and die with it, kept apart per conversation
 * when the client names one in `_meta` (see conversation-rules.ts). Pending approvals of the 2026-07-28 era
 * (approvals/request-state.ts) are the process's: any session, or a later process with the same key, can
 * take the retry.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { ShellServerConfig } from "./config.ts";
import {
  LIST_RULES_TOOL,
  REVOKE_RULE_TOOL,
  RUN_COMMAND_TOOL,
  SERVER_NAME,
  listRulesOutputShape,
  runCommandInputShape,
  runCommandOutputShape,
} from "./contract.ts";
import { handleRunCommand } from "./run/run-command-tool.ts";
import { ConversationRules } from "./approvals/conversation-rules.ts";
import { ApprovalStates } from "./approvals/request-state.ts";
import { JournalNonces, MemoryNonces } from "./approvals/used-nonces.ts";

type Log = (message: string) => void;

/** Registers more tools on a server once createServer has built it (the conformance suite's fixtures do, in its test). */
export type ServerExtension = (server: McpServer) => void;

const statesByConfig = new WeakMap<ShellServerConfig, ApprovalStates>();

/** One ApprovalStates per config (so per process in production): every session's pending approvals in one place. */
export function approvalStatesFor(config: ShellServerConfig, now?: () => number): ApprovalStates {
  let states = statesByConfig.get(config);
  if (!states) {
    const { requestStateKey, ttlSeconds, stateDir } = config.approvals;
    const nonces = stateDir ? new JournalNonces(stateDir, now) : new MemoryNonces(now);
    states = new ApprovalStates({ key: requestStateKey, ttlSeconds, nonces, now });
    statesByConfig.set(config, states);
  }
  return states;
}

export function createServer(config: ShellServerConfig, log: Log = () => {}, extend?: ServerExtension): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: "0.2.0" }, { capabilities: { tools: {}, logging: {} } });
  const rules = new ConversationRules();
  const approvals = approvalStatesFor(config);

  server.registerTool(
    RUN_COMMAND_TOOL,
    {
      title: "Run a shell command",
      description:
        "Runs a shell command line in the workspace directory and returns its exit code and output. " +
        "Read-only commands run at once; commands that can change or delete things wait for a person's approval " +
        "(who may edit the command first: the result says so) and do not run if it is declined. " +
        "Commands the policy denies are refused.",
      inputSchema: z.object(runCommandInputShape),
      outputSchema: z.object(runCommandOutputShape),
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    (args, ctx) => handleRunCommand({ server, config, rules: rules.forCall(ctx.mcpReq._meta), approvals, log }, args, ctx),
  );

  server.registerTool(
    LIST_RULES_TOOL,
    {
      title: "List remembered approvals",
      description: "Lists the approvals remembered in this conversation (exact commands and command prefixes), with their ids.",
      outputSchema: z.object(listRulesOutputShape),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (ctx) => {
      const output = {
        rules: rules.forCall(ctx.mcpReq._meta).list(),
        policyFile: config.policy.source,
        sandbox: config.sandbox.description,
      };
      return { content: [{ type: "text", text: JSON.stringify(output) }], structuredContent: output };
    },
  );

  server.registerTool(
    REVOKE_RULE_TOOL,
    {
      title: "Revoke a remembered approval",
      description: "Forgets a remembered approval by its id (from list_rules); later matching commands ask again.",
      inputSchema: z.object({ id: z.string().min(1).describe("The rule's id, as list_rules shows it.") }),
      outputSchema: z.object({ revoked: z.boolean(), rule: z.string().optional() }),
      annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ id }, ctx) => {
      const rule = rules.forCall(ctx.mcpReq._meta).revoke(id);
      const output = rule ? { revoked: true, rule: `${rule.kind}: ${rule.pattern}` } : { revoked: false };
      const text = rule
        ? `Revoked ${rule.kind} rule ${JSON.stringify(rule.pattern)}.`
        : `No remembered rule has the id ${JSON.stringify(id)}.`;
      return { content: [{ type: "text", text }], structuredContent: output, isError: !rule };
    },
  );

  extend?.(server);
  return server;
}
