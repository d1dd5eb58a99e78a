/**
 * The shell server's public contract: tool input and output, and the `_meta` keys it reads and echoes.
 * Clients (the elicit-chat app among them) import this file; it must stay free of Node-only code.
 */
import { z } from "zod";

export const SERVER_NAME = "elicit-chat-shell";
export const RUN_COMMAND_TOOL = "run_command";
export const LIST_RULES_TOOL = "list_rules";
export const REVOKE_RULE_TOOL = "revoke_rule";

/**
 * A client may put this key in a tool call's `_meta`; the server copies it into the `_meta` of every elicitation
 * that call raises, so a client serving many conversations over one connection can route the question to the
 * conversation that asked.
 */
export const CORRELATION_META_KEY = "elicit-chat/correlation-id";
/**
 * A client serving several conversations over one connection puts the conversation's id here in each tool
 * call's `_meta`; approvals the person chose to remember apply only to calls carrying the same id.
 */
export const CONVERSATION_META_KEY = "elicit-chat/conversation-id";
/** Extra context the server attaches to an approval request so a client can render it without parsing prose. */
export const COMMAND_META_KEY = "elicit-chat/command";
export const RISK_META_KEY = "elicit-chat/risk";

export const MAX_COMMAND_LENGTH = 10_000;

export const runCommandInputShape = {
  command: z.string().min(1).max(MAX_COMMAND_LENGTH).describe("A shell command line, run by /bin/sh in the workspace."),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("How long the command may run once started, in milliseconds (capped by the server)."),
};

/**
 * not_required: read-only or allowed by the policy file; remembered: a yes the person gave earlier in this conversation;
 * denied: a deny rule of the policy file refused it without asking; refused: it could not run safely (e.g. the
 * sandbox is required and does not work).
 */
export const approvalOutcomeSchema = z.enum([
  "not_required",
  "approved",
  "remembered",
  "declined",
  "cancelled",
  "unavailable",
  "failed",
  "denied",
  "refused",
]);
export type Approval = z.infer<typeof approvalOutcomeSchema>;

export const runCommandOutputShape = {
  command: z.string().describe("The command that ran (or would have): the person's edited text when they edited it."),
  proposedCommand: z.string().describe("The command as the tool call proposed it."),
  edited: z.boolean().describe("True when the person changed the command before approving it."),
  summary: z.string().describe("One line for people and models, e.g. 'Not run: the person declined.'"),
  ran: z.boolean().describe("False when the command was not started; then nothing it would have changed changed."),
  approval: approvalOutcomeSchema,
  risk: z.string().optional().describe("Why approval was needed, e.g. 'deletes files: rm -rf build'."),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
  durationMs: z.number(),
  sandboxed: z.boolean().describe("True when the command ran confined by the sandbox (bubblewrap)."),
};
export const runCommandOutputSchema = z.object(runCommandOutputShape);
export type RunCommandOutput = z.infer<typeof runCommandOutputSchema>;

/** The fields of the approval form the server sends, and what the person may answer in them. */
export const APPROVAL_COMMAND_FIELD = "command";
export const APPROVAL_REMEMBER_FIELD = "remember";
export const rememberChoiceSchema = z.enum(["once", "command", "prefix"]);
export type RememberChoice = z.infer<typeof rememberChoiceSchema>;

export const rememberedRuleSchema = z.object({
  id: z.string(),
  kind: z.enum(["command", "prefix"]),
  /** The exact command line, or the prefix words ("git push"). */
  pattern: z.string(),
  createdAt: z.string(),
});
export type RememberedRule = z.infer<typeof rememberedRuleSchema>;
export const listRulesOutputShape = {
  rules: z.array(rememberedRuleSchema),
  policyFile: z.string().nullable().describe("The policy file in force, or null for the built-in policy."),
  sandbox: z.string().describe("Whether commands run sandboxed, and if not, why."),
};
