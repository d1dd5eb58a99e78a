/**
 * The approval question: an MCP form elicitation (pushed on 2025-11-25, returned in `input_required` on
 * 2026-07-28) whose fields let the person edit the command
 * before approving it and choose whether to remember the approval in this conversation.
 */
import type { ElicitRequestFormParams } from "@modelcontextprotocol/server";
import {
  APPROVAL_COMMAND_FIELD,
  APPROVAL_REMEMBER_FIELD,
  MAX_COMMAND_LENGTH,
  rememberChoiceSchema,
  type RememberChoice,
} from "../contract.ts";

export function approvalFormSchema(command: string, prefix: string | undefined): ElicitRequestFormParams["requestedSchema"] {
  const choices: Array<{ const: RememberChoice; title: string }> = [
    { const: "once", title: "This time only" },
    { const: "command", title: "This exact command, in this conversation" },
  ];
  if (prefix) choices.push({ const: "prefix", title: `Commands starting with "${prefix}", in this conversation` });
  return {
    type: "object",
    properties: {
      [APPROVAL_COMMAND_FIELD]: {
        type: "string",
        title: "Command",
        description: "Edit it before approving if you like: the edited text is checked again and runs exactly as written.",
        default: command,
        minLength: 1,
        maxLength: MAX_COMMAND_LENGTH,
      },
      [APPROVAL_REMEMBER_FIELD]: {
        type: "string",
        title: "Remember",
        oneOf: choices,
        default: "once",
      },
    },
    // Nothing is required: a client that shows no fields (or sends `content: {}`) approves the command as proposed.
  };
}

export interface ApprovalAnswer {
  command: string;
  edited: boolean;
  remember: RememberChoice;
}

/** Reads an accepted answer; a missing or blank command means the proposed one. */
export function readApproval(proposed: string, content: Record<string, unknown> | undefined): ApprovalAnswer {
  const raw = content?.[APPROVAL_COMMAND_FIELD];
  const command = typeof raw === "string" && raw.trim() !== "" ? raw : proposed;
  const remember = rememberChoiceSchema.safeParse(content?.[APPROVAL_REMEMBER_FIELD]);
  return { command, edited: command !== proposed, remember: remember.success ? remember.data : "once" };
}
