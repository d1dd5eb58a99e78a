import "server-only";
import type { ToolExecutionContext } from "@mastra/core/tools";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ChatTurn, ChatTurns } from "@/lib/chat/turns";
import type { ResumableCalls } from "@/lib/db/resumable-calls";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import { questionFields } from "./elicitation-handler";
import type { ToolCaller } from "./tool-caller";

const inputRequiredSchema = z.object({
  resultType: z.literal("input_required"),
  inputRequests: z.record(z.string(), z.object({ method: z.string(), params: z.record(z.string(), z.unknown()).optional() })).optional(),
  requestState: z.string().optional(),
});

/** What the suspended tool call carries in Mastra's snapshot, and what the resume hands back. */
export const suspendPayloadSchema = z.object({ questionId: z.string() });
export const resumeDataSchema = z.object({ questionId: z.string() });

export interface ResumableDeps {
  caller: ToolCaller;
  registry: ElicitationRegistry;
  calls: ResumableCalls;
  /** How long a suspended question may wait (the server's own lifetime for its state may be shorter). */
  lifetimeMs: number;
  /** How long one call may take: no person waits inside it, only the work (a command's longest run, and then some). */
  callTimeoutMs: number;
  /** How long a question held in memory waits (a second one of parallel calls, see askHeld). */
  heldTimeoutMs: number;
  /** The turns running now: a card updates its turn's stream while that runs, and holds on to nothing after. */
  turns: ChatTurns;
}

interface CallTarget {
  serverName: string;
  toolName: string;
  run: ChatTurn | undefined;
  meta: Record<string, unknown>;
}

/**
 * Calls an MCP tool so that a question it raises suspends the agent's turn instead of holding it: the server's
 * `input_required` becomes a durable card and the turn ends suspended (Mastra stores it); when the card's answer
 * wins its claim, the turn is resumed (lib/chat/resumer.ts), this runs again with `resumeData`, and the call is
 * retried with the answer and the server's `requestState`. Anything it cannot carry through (several requests at
 * once, a kind other than a form or URL elicitation, no turn to show it in) ends the call with nothing run.
 */
export async function callResumable(
  deps: ResumableDeps,
  target: CallTarget,
  input: unknown,
  context: ToolExecutionContext,
): Promise<unknown> {
  const { caller, calls } = deps;
  const agent = context?.agent;
  const resume = resumeDataSchema.safeParse(agent?.resumeData);
  // The chat run's id is also the progress token: a running command's output finds its conversation.
  const meta = { ...target.meta, ...(target.run && { progressToken: target.run.id }) };
  let params: Record<string, unknown> = { name: target.toolName, arguments: input, _meta: meta };
  if (resume.success) {
    const call = await calls.get(resume.data.questionId);
    if (call?.phase !== "claimed" || !call.answer) return notRun("its question was not answered");
    // Exactly the arguments the first call was made with (the approval gate may have edited them): what the
    // person was asked about is what the retry carries.
    params = withAnswer({ ...params, arguments: call.arguments }, call.inputKey, call.answer, call.requestState);
  }
  let result: unknown;
  try {
    result = await caller.request(
      { method: "tools/call", params },
      { allowInputRequired: true, signal: context?.abortSignal, timeout: deps.callTimeoutMs },
    );
  } finally {
    // Done, whatever it said: the answer is never sent again from this process (after a crash before this line,
    // the next start resumes it once more, and the server refuses a request state it has already used).
    if (resume.success) await calls.finish(resume.data.questionId);
  }
  const required = inputRequiredSchema.safeParse(result);
  if (!required.success) return toolOutput(result);
  const { run } = target;
  if (!agent?.suspend || !run) return notRun("the server asked a question and there is no conversation to ask it in");
  // One suspended question per agent run: Mastra resumes one tool call at a time. A second call of the same step
  // asking too (parallel tool calls) waits for its answer in memory, as a legacy question does, then retries.
  if (run.suspendedOn.size > 0) return askHeld(deps, { ...target, run }, required.data, params, context);
  const sent = (params.arguments ?? {}) as Record<string, unknown>;
  return ask(deps, { ...target, run }, required.data, { suspend: agent.suspend, toolCallId: agent.toolCallId, sent });
}

async function askHeld(
  deps: ResumableDeps,
  target: CallTarget & { run: ChatTurn },
  required: z.infer<typeof inputRequiredSchema>,
  params: Record<string, unknown>,
  context: ToolExecutionContext,
): Promise<unknown> {
  const { inputKey, fields, message } = onlyQuestion(target.serverName, required);
  const { settled } = deps.registry.open({
    ...fields,
    threadId: target.run.threadId,
    requesterId: target.run.ownerId,
    requesterName: target.run.ownerName,
    serverName: target.serverName,
    message,
    timeoutMs: deps.heldTimeoutMs,
    signal: target.run.signal,
    onChange: (card) => target.run.showElicitation(card),
  });
  const retry = withAnswer(params, inputKey, await settled, required.requestState);
  const result = await deps.caller.request(
    { method: "tools/call", params: retry },
    { allowInputRequired: true, signal: context?.abortSignal, timeout: deps.callTimeoutMs },
  );
  if (inputRequiredSchema.safeParse(result).success) return notRun(`${target.serverName} asked again`);
  return toolOutput(result);
}

/** A retry's params: the person's answer under the server's input key, and its request state back verbatim. */
function withAnswer(
  params: Record<string, unknown>,
  inputKey: string,
  { action, content }: { action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> },
  requestState: string | undefined,
): Record<string, unknown> {
  const response = action === "accept" ? { action, content: content ?? {} } : { action };
  return { ...params, inputResponses: { [inputKey]: response }, ...(requestState && { requestState }) };
}

/** The one form or URL elicitation an `input_required` carries; anything else cannot be asked here. */
function onlyQuestion(serverName: string, required: z.infer<typeof inputRequiredSchema>) {
  const requests = Object.entries(required.inputRequests ?? {});
  const [only] = requests;
  if (requests.length !== 1 || !only || only[1].method !== "elicitation/create") {
    return notRun(`${serverName} asked for ${requests.length === 1 ? "an input this app cannot give" : "several inputs at once"}`);
  }
  const [inputKey, request] = only;
  const fields = questionFields(request.params ?? {});
  if ("refused" in fields) return notRun(`${serverName} sent a question this app cannot show (${fields.refused})`);
  return { inputKey, fields, message: typeof request.params?.message === "string" ? request.params.message : "" };
}

async function ask(
  { registry, calls, lifetimeMs, turns }: ResumableDeps,
  { serverName, toolName, run }: CallTarget & { run: ChatTurn },
  required: z.infer<typeof inputRequiredSchema>,
  { suspend, toolCallId, sent }: { suspend: (payload: unknown) => Promise<unknown>; toolCallId: string; sent: Record<string, unknown> },
): Promise<unknown> {
  const { inputKey, fields, message } = onlyQuestion(serverName, required);
  // Saved while the card shows: an answer's claim waits for this save (SqlResumableCalls), and the turn suspends
  // only once it is on disk.
  const now = Date.now();
  const fixed = { id: randomUUID(), createdAt: now, expiresAt: now + lifetimeMs };
  // Taken before the first await: a parallel call of the same step that gets its question a moment later must see
  // this one and wait in memory (askHeld), or both would suspend and Mastra would resume only one of them.
  run.suspendedOn.add(fixed.id);
  const runId = run.id;
  const call = {
    questionId: fixed.id,
    conversationId: run.threadId,
    runId: run.id,
    toolCallId,
    serverName,
    toolName,
    arguments: sent,
    inputKey,
  };
  const saved = calls.save({ ...call, requestState: required.requestState });
  const { data } = registry.open({
    ...fields,
    threadId: run.threadId,
    requesterId: run.ownerId,
    requesterName: run.ownerName,
    serverName,
    message,
    timeoutMs: lifetimeMs,
    durable: { fixed },
    // By id, not the turn itself: a question that waits for days must not keep its finished turn in memory.
    onChange: (card) => turns.get(runId)?.showElicitation(card),
  });
  // Refused at once (too many waiting, no reviewer to route it to): the call ends here, nothing ran.
  if (registry.get(data.id) === undefined) {
    run.suspendedOn.delete(fixed.id);
    await saved.catch(() => {});
    await calls.close(data.id);
    return notRun("the question was refused before anyone saw it");
  }
  try {
    await saved;
  } catch (error) {
    // Not on disk: it could not outlive this process, so it is cancelled; nothing ran.
    run.suspendedOn.delete(fixed.id);
    registry.end(data.id, "cancelled", "it could not be stored", "aborted");
    throw error;
  }
  await suspend({ questionId: data.id });
  return undefined;
}

/**
 * What the model sees of a call's result, as Mastra's own wrapper shows it: a result the server marked as an error
 * fails the call with its text; otherwise its structured part when it has one.
 */
function toolOutput(result: unknown): unknown {
  const parsed = callResultSchema.safeParse(result);
  if (parsed.success && parsed.data.isError) {
    throw new Error(
      parsed.data.content.flatMap((part) => (typeof part.text === "string" ? [part.text] : [])).join("\n") || "the tool failed",
    );
  }
  if (parsed.success && parsed.data.structuredContent) return parsed.data.structuredContent;
  return result;
}

const callResultSchema = z.looseObject({
  isError: z.boolean().optional(),
  content: z.array(z.looseObject({ text: z.unknown().optional() })).default([]),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
});

function notRun(why: string): never {
  throw new Error(`Not run: ${why}.`);
}
