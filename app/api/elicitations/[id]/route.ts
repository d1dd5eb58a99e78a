import { elicitationAnswerSchema, MAX_ANSWER_BYTES } from "@/lib/elicitation/contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { serverState } from "@/lib/server-state";
import { validateContent } from "@/lib/elicitation/validate";

export const dynamic = "force-dynamic";

/** The request while it waits, or how it ended: lets a second tab's card follow an answer given elsewhere. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const state = serverState().registry.lookup(id);
  if (!state) return new ApiError("not_found", "No such request, or it ended long ago.").toResponse();
  return Response.json(state);
}

/**
 * A person's answer to one pending elicitation: resolves exactly that request, once.
 * 404 unknown or expired, 409 already answered (with the recorded outcome), 422 content that does not match the
 * request's schema (never forwarded), other 4xx for a malformed body.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const answer = await readJsonBody(request, elicitationAnswerSchema, MAX_ANSWER_BYTES);
    const { registry } = serverState();
    const pending = registry.get(id);
    if (pending && answer.action === "accept") {
      const errors = validateContent(pending.requestedSchema, answer.content ?? {});
      const [first] = errors;
      if (first) {
        throw new ApiError("invalid_content", `The answer does not fit the request: ${first.field || "content"} ${first.message}.`, {
          details: errors,
        });
      }
    }
    const result = registry.answer(id, answer);
    switch (result.kind) {
      case "answered":
        return Response.json(result.outcome);
      case "conflict":
        throw new ApiError("conflict", `This request was already answered: ${result.outcome.status}.`, {
          details: result.outcome,
        });
      case "not_found":
        throw new ApiError(
          "not_found",
          result.expired ? "This request expired; nothing was run." : "No pending request has this id.",
        );
    }
  } catch (error) {
    return errorResponse(error);
  }
}
