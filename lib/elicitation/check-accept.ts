import "server-only";
import { SUBMISSION_CONTENT_FIELD, type ElicitationAnswer, type ElicitationData } from "@/lib/elicitation/contract";
import { asksToRemember } from "@/lib/elicitation/settlement";
import { validateArguments, validateContent, type FieldError } from "@/lib/elicitation/validate";
import { ApiError } from "@/lib/errors";

/** An accept must fit its card: form content for a question, arguments (and remember) for a tool call. */
export function checkAccept(pending: ElicitationData, answer: ElicitationAnswer): void {
  if (answer.action !== "accept") return;
  if (pending.review && asksToRemember(answer)) {
    throw new ApiError("bad_request", "Invalid body: remember: a question routed for review is approved for this call only.");
  }
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
  if (pending.submission?.format === "json") checkJsonEdit(answer.content?.[SUBMISSION_CONTENT_FIELD]);
}

/** JSON submitted for review stays JSON: an edit the agent could not parse is refused here, not delivered. */
function checkJsonEdit(edited: unknown): void {
  if (typeof edited !== "string") return;
  try {
    JSON.parse(edited);
  } catch (error) {
    throw new ApiError("invalid_content", `The answer does not fit the request: content is not valid JSON (${(error as Error).message}).`, {
      details: [{ field: SUBMISSION_CONTENT_FIELD, message: "is not valid JSON" }],
    });
  }
}

function refuse(errors: FieldError[], what: string, whole: string): void {
  const [first] = errors;
  if (first) throw new ApiError("invalid_content", `${what}: ${first.field || whole} ${first.message}.`, { details: errors });
}
