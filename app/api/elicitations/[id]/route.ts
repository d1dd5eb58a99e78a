import { elicitationAnswerSchema, MAX_ANSWER_BYTES } from "@/lib/elicitation/contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/**
 * A person's answer to one pending elicitation: resolves exactly that request, once.
 * 404 unknown or expired, 409 already answered (with the recorded outcome), 4xx for a malformed body.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const answer = await readJsonBody(request, elicitationAnswerSchema, MAX_ANSWER_BYTES);
    const result = serverState().registry.answer(id, answer);
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
