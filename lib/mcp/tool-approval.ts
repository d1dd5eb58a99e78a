import "server-only";
import type { ChatTurn } from "@/lib/chat/turns";
import type { CallResult, ToolCallRequest } from "@/lib/elicitation/contract";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import { validateArguments } from "@/lib/elicitation/validate";
import { turnEndNote } from "./abort-notes";
import { decide, type GateSettings } from "./tool-approval-decision";
import { toolFingerprint, type ToolApprovalMemory } from "./tool-approval-memory";
import { NO_FIELDS } from "./url-elicitation";

/**
 * The client-side approval gate for tools of servers from mcp.json: the chat must not depend on each server's
 * goodwill to ask before it deletes something (a server may skip its own question, e.g. when it believes the client
 * cannot elicit). Before such a call, the gate opens a card of kind "tool-call" in the same registry as the MCP
 * servers' own questions, so it gets everything they get: a live card in the conversation, an answer from any tab or
 * reviewer (POST /api/elicitations/{id}, first answer wins), expiry, cancel on Stop or a closed tab, and replay on
 * reload. Only an explicit accept calls the tool, with the arguments as accepted (edited ones are checked against
 * the tool's inputSchema first); anything else returns a result telling the model it was not run, and why.
 *
 * Why not the AI SDK's tool approval (needsApproval → tool-approval-request part → a new chat request carrying the
 * approval response) or Mastra's requireToolApproval (the run suspends; approveToolCall() resumes it as a new
 * stream from stored snapshots)? Both end the turn and continue it from the tab that holds the messages: a reviewer
 * in another tab or a reloaded page could not answer, a card could not expire while the turn waits, and neither
 * lets the person edit the arguments before the call. The registry already does all of that for elicitations.
 */

export interface GateDeps {
  registry: ElicitationRegistry;
  memory: ToolApprovalMemory;
  timeoutMs: number;
}

export interface GatedCall {
  run: ChatTurn | undefined;
  serverName: string;
  toolName: string;
  settings: GateSettings;
  tool: { description?: string; mcp?: { annotations?: unknown }; inputSchema?: unknown };
  input: unknown;
  toolCallId?: string;
}

/** What the model is told instead of a result when the tool was not called. */
export interface NotRun {
  content: Array<{ type: "text"; text: string }>;
  isError: true;
}

export type GateOutcome = { proceed: true; input: unknown; report: (result: CallResult) => void } | { proceed: false; result: NotRun };

const notRun = (call: GatedCall, why: string): GateOutcome => ({
  proceed: false,
  result: {
    content: [{ type: "text", text: `Not run: ${call.serverName}.${call.toolName} was not called because ${why}.` }],
    isError: true,
  },
});

export async function passGate(call: GatedCall, deps: GateDeps): Promise<GateOutcome> {
  const { run, serverName, toolName } = call;
  const annotations = call.tool.mcp?.annotations;
  const inputSchema = jsonSchemaOf(call.tool.inputSchema);
  const fingerprint = toolFingerprint({ description: call.tool.description, annotations, inputSchema });
  const remembered = run !== undefined && deps.memory.allows(run.threadId, serverName, toolName, fingerprint);
  const decision = decide(call.settings, toolName, annotations, remembered);
  if (decision.kind === "deny") return notRun(call, `${decision.reason} (mcp.json)`);
  if (decision.kind === "run") return { proceed: true, input: call.input, report: () => {} };

  if (!run) return notRun(call, "it needs approval and there is no conversation to ask in");
  if (run.signal.aborted) return notRun(call, turnEndNote(run.signal.reason));
  const toolCall: ToolCallRequest = {
    toolName,
    description: call.tool.description || undefined,
    annotations: isObject(annotations) ? annotations : undefined,
    arguments: isObject(call.input) ? call.input : {},
    inputSchema,
    reason: decision.reason,
    rememberable: decision.rememberable,
    toolCallId: call.toolCallId,
  };
  let note: string | undefined;
  const { settled, report } = deps.registry.open({
    threadId: run.threadId,
    requesterId: run.ownerId,
    requesterName: run.ownerName,
    serverName,
    message: `The agent wants to call ${toolName} on ${serverName}: ${decision.reason}.`,
    requestedSchema: NO_FIELDS,
    toolCall,
    timeoutMs: deps.timeoutMs,
    signal: run.signal,
    abortNote: () => turnEndNote(run.signal.reason),
    onChange: (data) => {
      note = data.note;
      run.showElicitation(data);
    },
  });
  const answer = await settled;
  if (answer.action === "decline") return notRun(call, "the person declined it; do not call it again unless they ask");
  if (answer.action !== "accept" || !answer.arguments) return notRun(call, `the approval was cancelled (${note ?? "no answer"})`);

  // The route checked them already; checked again here because nothing unchecked may reach the server.
  const errors = validateArguments(inputSchema, answer.arguments);
  if (errors.length) {
    report({ called: false, summary: "the accepted arguments did not fit the tool's input schema" });
    return notRun(call, "the accepted arguments did not fit the tool's input schema");
  }
  if (run.signal.aborted) {
    report({ called: false, summary: "the turn was stopped before the call" });
    return notRun(call, "the turn was stopped before the call");
  }
  if (answer.remember && toolCall.rememberable) deps.memory.allow(run.threadId, serverName, toolName, fingerprint);
  return { proceed: true, input: answer.arguments, report };
}

/** The tool's inputSchema as JSON Schema: Mastra keeps the server's schema behind a Standard Schema wrapper. */
function jsonSchemaOf(schema: unknown): Record<string, unknown> {
  type WithJson = { "~standard"?: { jsonSchema?: { input?: (options: { target: string }) => unknown } } };
  try {
    const json = (schema as WithJson | undefined)?.["~standard"]?.jsonSchema?.input?.({ target: "draft-2020-12" });
    if (isObject(json)) return json;
  } catch {
    // Falls through: an unreadable schema still gets the one check MCP guarantees, an object.
  }
  return { type: "object" };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}
