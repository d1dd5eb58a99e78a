/**
 * The chat agent's built-in "ask an expert" tool: the person chatting can have the agent escalate to the team.
 * It asks through the same HumanRequests as the app's MCP server (ask_human), so the question lands in the
 * reviewers' inbox with its specialty, routing, four eyes, deadline and audit trail, and the person's answer comes
 * back as the tool result. Nothing is made up: a question nobody answered ends as expired, with no answer.
 *
 * Built per turn, because the question belongs to the turn: its requester is the person chatting, its
 * conversation is theirs (the reviewer sees its last messages), and Stop (the turn's signal) withdraws it.
 */
import "server-only";
import { createTool } from "@mastra/core/tools";
import type { Identity } from "@/lib/auth/authenticate";
import type { ChatTurn } from "@/lib/chat/turns";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { InvalidAskError } from "@/lib/experts/answer-format";
import type { HumanRequest } from "@/lib/experts/contract";
import type { HumanRequests } from "@/lib/experts/human-requests";
import {
  ASK_EXPERT_TOOL,
  askExpertInputSchema,
  askExpertOutputSchema,
  EXPERT_STATUS_PART_TYPE,
  type AskExpertOutput,
  type ExpertStatus,
} from "./ask-expert-contract";

const DESCRIPTION =
  "Asks a person on the team with the given specialty (e.g. security, legal, finance) and waits for their answer. " +
  "Use it when the user asks you to check with an expert, or when a decision needs a person's judgement. The result " +
  "says who answered (name and role), the answer and any comment; or that they declined, or that nobody answered " +
  "in time (then there is no answer: say so, never guess one). Waits up to an hour unless you give a deadline.";

/** How often a withdrawal is tried again while the request is still being stored (Stop right after asking). */
const WITHDRAW_RETRY_MS = 100;
const WITHDRAW_TRIES = 50;

export type ExpertRequests = Pick<HumanRequests, "ask" | "cancel">;

export function askExpertTool(run: ChatTurn, requests: ExpertRequests) {
  // HumanRequests keys a request by its asker's id and shows their name; the role plays no part in asking (who may
  // answer is checked where answers arrive), and a turn does not carry it.
  const asker: Identity = { id: run.ownerId, name: run.ownerName, role: "requester" };
  return createTool({
    id: ASK_EXPERT_TOOL,
    description: DESCRIPTION,
    inputSchema: askExpertInputSchema,
    outputSchema: askExpertOutputSchema,
    execute: async (input, context): Promise<AskExpertOutput> => {
      const toolCallId = context?.agent?.toolCallId ?? (context as { toolCallId?: string } | undefined)?.toolCallId ?? "";
      // Live status goes into the turn's log as a data part, the way elicitation cards and command output do: it
      // is replayed to a reloaded tab, saved with the reply and followed from other instances, and the same part
      // id updates in place. (Mastra's tool writer would reach the browser only through toAISdkStream's handling
      // of custom chunks, and the card would have to poll otherwise.)
      const show = (data: ElicitationData) =>
        run.log.push({ type: EXPERT_STATUS_PART_TYPE, id: `expert-${data.id}`, data: statusOf(toolCallId, input.specialty, data) });
      let asked;
      try {
        asked = requests.ask(asker, { ...input, threadId: run.threadId }, show);
      } catch (error) {
        // A deadline nobody could work with: the model is told why, and may ask again.
        if (error instanceof InvalidAskError) throw new Error(error.message);
        throw error;
      }
      const { request, done } = asked;
      let ended = false;
      const withdraw = async () => {
        // Until its first write lands the request is unknown to cancel(): tried again until it is.
        for (let tries = 0; tries < WITHDRAW_TRIES && !ended; tries += 1) {
          if (await requests.cancel(asker, request.id).catch(() => undefined)) return;
          await new Promise((resolve) => setTimeout(resolve, WITHDRAW_RETRY_MS));
        }
      };
      if (run.signal.aborted) void withdraw();
      else run.signal.addEventListener("abort", () => void withdraw(), { once: true });
      try {
        return outputOf(await done, input.specialty);
      } finally {
        ended = true;
      }
    },
  });
}

function statusOf(toolCallId: string, specialty: string, data: ElicitationData): ExpertStatus {
  return {
    toolCallId,
    requestId: data.id,
    specialty,
    status: data.status,
    ...(data.review && { review: data.review }),
    expiresAt: data.expiresAt,
    ...(data.note && { note: data.note }),
  };
}

function outputOf(request: HumanRequest, specialty: string): AskExpertOutput {
  // `done` resolves only once the request settled: a pending one here is a bug, not an answer to pass on.
  if (request.status === "pending") throw new Error("the question ended without a settlement");
  return {
    id: request.id,
    specialty,
    status: request.status,
    ...(request.answer !== undefined && {
      answer: typeof request.answer === "string" ? request.answer : JSON.stringify(request.answer),
    }),
    ...(request.answeredBy && { answeredBy: request.answeredBy }),
    ...(request.answeredAt !== undefined && { answeredAt: new Date(request.answeredAt).toISOString() }),
    ...(request.comment !== undefined && { comment: request.comment }),
    ...(request.reasons !== undefined && { reasons: request.reasons }),
    ...(request.note !== undefined && { note: request.note }),
  };
}
