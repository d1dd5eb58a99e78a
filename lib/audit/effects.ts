import "server-only";
import type { UIMessageChunk } from "ai";
import { RUN_COMMAND_TOOL, runCommandOutputSchema, type RunCommandOutput } from "@/mcp-server/contract";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { BUNDLED_SERVER_NAME } from "@/lib/mcp/tool-names";
import type { AuditInput } from "./audit-input";
import { SYSTEM_ACTOR } from "./contract";

export type TurnChunk = UIMessageChunk;

interface Awaiting {
  questionId: string;
  threadId: string;
  command: string;
}

/** Questions kept for linking at most; beyond it the oldest go (a command whose result never came). */
const MAX_AWAITING = 1_000;

/**
 * Links a bundled-server command's result to the question that asked about it. The shell server's question and
 * its tool result carry no shared id, but both name the command as proposed, in the same conversation: the
 * oldest such question still waiting for its effect is the one.
 */
export class EffectLinks {
  private readonly awaiting = new Map<string, Awaiting>();

  asked(data: ElicitationData): void {
    if (data.serverName !== BUNDLED_SERVER_NAME || data.kind !== "question" || data.command === undefined) return;
    this.awaiting.set(data.id, { questionId: data.id, threadId: data.threadId, command: data.command });
    for (const id of this.awaiting.keys()) {
      if (this.awaiting.size <= MAX_AWAITING) break;
      this.awaiting.delete(id);
    }
  }

  /** The question about this command in this conversation, taken (each links once); undefined if none asked. */
  take(threadId: string, command: string): string | undefined {
    for (const [id, awaiting] of this.awaiting) {
      if (awaiting.threadId !== threadId || awaiting.command !== command) continue;
      this.awaiting.delete(id);
      return awaiting.questionId;
    }
    return undefined;
  }
}

/**
 * A ran / not-run entry for the bundled server's run_command result in a turn's stream, when a person decided
 * (or the policy refused): commands the policy let run without asking are not a question's effect.
 */
export function effectOfToolOutput(turn: { id: string; threadId: string }, chunk: TurnChunk, links: EffectLinks): AuditInput | undefined {
  if (chunk.type !== "tool-output-available") return undefined;
  const output = runOutputOf(chunk.output);
  if (!output || output.approval === "not_required") return undefined;
  const questionId = links.take(turn.threadId, output.proposedCommand) ?? null;
  return {
    type: output.ran ? "ran" : "not-run",
    questionId,
    conversationId: turn.threadId,
    actor: SYSTEM_ACTOR,
    serverName: BUNDLED_SERVER_NAME,
    toolName: RUN_COMMAND_TOOL,
    outcome: outcomeOf(output),
    details: {
      command: output.command,
      proposedCommand: output.proposedCommand,
      edited: output.edited,
      approval: output.approval,
      exitCode: output.exitCode,
      signal: output.signal,
      timedOut: output.timedOut,
      durationMs: output.durationMs,
      sandboxed: output.sandboxed,
      summary: output.summary,
      runId: turn.id,
      toolCallId: chunk.toolCallId,
    },
  };
}

/** "exit 0", "timed out", "signal SIGKILL" for a run; the approval (declined, denied...) for a command not run. */
function outcomeOf(output: RunCommandOutput): string {
  if (!output.ran) return output.approval;
  if (output.timedOut) return "timed out";
  return output.exitCode !== null ? `exit ${output.exitCode}` : `signal ${output.signal ?? "unknown"}`;
}

/** The run_command output, whether the tool result arrives unwrapped or as an MCP CallToolResult. */
export function runOutputOf(value: unknown): RunCommandOutput | undefined {
  const direct = runCommandOutputSchema.safeParse(value);
  if (direct.success) return direct.data;
  if (value && typeof value === "object" && "structuredContent" in value) {
    const nested = runCommandOutputSchema.safeParse(value.structuredContent);
    if (nested.success) return nested.data;
  }
  return undefined;
}
