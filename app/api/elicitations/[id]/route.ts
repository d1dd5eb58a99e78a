import { elicitationAnswerSchema, MAX_ANSWER_BYTES, type ElicitationAnswer, type ElicitationData } from "@/lib/elicitation/contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { serverState } from "@/lib/server-state";
import { validateArguments, validateContent, type FieldError } from "@/lib/elicitation/validate";

export const dynamic = "force-dynamic";

/** The request while it waits, or how it ended: lets a second tab's card follow an answer given elsewhere. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const state = serverState().registry.lookup(id);
  if (!state) return new ApiError("not_found", "No such request, or it ended long ago.").toResponse();
  return Response.json(state);
}

/**
 * A person's answer to one pending elicitation or tool-call card: resolves exactly that request, once.
 * 404 unknown or expired, 409 already answered (with the recorded outcome), 422 content or arguments that do not
 * match the request's schema or the tool's inputSchema (never forwarded), other 4xx for a malformed body.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const answer = await readJsonBody(request, elicitationAnswerSchema, MAX_ANSWER_BYTES);
    const { registry, writes } = serverState();
    const pending = registry.get(id);
    if (pending && answer.action === "accept") checkAccept(pending, answer);
    const result = registry.answer(id, answer);
    switch (result.kind) {
      case "answered":
        // Acknowledged only once the answer is on disk (grouped with others arriving at the same time).
        await writes.idle();
        return Response.json(result.outcome);
      case "conflict":
        throw new ApiError("conflict", `This request was already answered: ${result.outcome.status}.`, {
          details: result.outcome,
        });
      case "not_found":
        throw new ApiError("not_found", result.expired ? "This request expired; nothing was run." : "No pending request has this id.");
    }
  } catch (error) {
    return errorResponse(error);
  }
}

/** An accept must fit its card: form content for a question, arguments (and remember) for a tool call. */
function checkAccept(pending: ElicitationData, answer: Extract<ElicitationAnswer, { action: "accept" }>): void {
  if (pending.toolCall) {
    if (answer.content !== undefined)
      throw new ApiError("bad_request", "Invalid body: content: a tool-call card takes arguments, not content.");
    if (answer.remember && !pending.toolCall.rememberable) {
      throw new ApiError("bad_request", "Invalid body: remember: this server is set to ask before every call.");
    }
    if (answer.arguments)
      refuse(validateArguments(pending.toolCall.inputSchema, answer.arguments), "The arguments do not fit the tool", "arguments");
    return;
  }
  if (answer.arguments !== undefined || answer.remember !== undefined) {
    throw new ApiError("bad_request", "Invalid body: arguments and remember answer tool-call cards only.");
  }
  refuse(validateContent(pending.requestedSchema, answer.content ?? {}), "The answer does not fit the request", "content");
}

function refuse(errors: FieldError[], what: string, whole: string): void {
  const [first] = errors;
  if (first) throw new ApiError("invalid_content", `${what}: ${first.field || whole} ${first.message}.`, { details: errors });
}
