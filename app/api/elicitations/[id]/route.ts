import { principalOf } from "@/lib/auth/principal";
import { elicitationAnswerSchema, MAX_ANSWER_BYTES } from "@/lib/elicitation/contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { serverState } from "@/lib/server-state";
import { checkAccept } from "@/lib/elicitation/check-accept";

export const dynamic = "force-dynamic";

/**
 * The request while it waits, or how it ended: lets a second tab's card follow an answer given elsewhere. Only
 * for its requester, the people it is routed to and admins; anyone else gets 404, as for an id that never was.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    const found = (await state.review.visible(id, principal)) && (await state.review.lookup(id));
    if (!found) throw new ApiError("not_found", "No such request, or it ended long ago.");
    return Response.json(found);
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * A person's answer to one pending elicitation or tool-call card, through the review desk (lib/review): 404 for
 * an id they may not see (or unknown, or expired), 403 when they may see it but not answer it, 409 already
 * answered (with the recorded outcome), 422 content or arguments that do not fit (never forwarded), other 4xx
 * for a malformed body. An accept that still needs other approvers is recorded and answered 202.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    const answer = await readJsonBody(request, elicitationAnswerSchema, MAX_ANSWER_BYTES);
    const { review, writes, started, resumer } = serverState();
    await started;
    const result = await review.answer(id, answer, principal, (pending) => checkAccept(pending, answer));
    switch (result.kind) {
      case "answered":
        // Acknowledged only once the answer is on disk (grouped with others arriving at the same time), and the
        // turn it resumes (a durable question's) is open for the page to follow.
        await writes.idle();
        await resumer.opened(id);
        return Response.json(result.outcome);
      case "partial":
        await writes.idle();
        return Response.json(result.approval, { status: 202 });
      case "forbidden":
        throw new ApiError("forbidden", `This question waits for review by ${result.waitingFor}; you cannot answer it.`);
      case "conflict":
        throw new ApiError("conflict", `This request was already answered: ${result.outcome.status}.`, {
          details: result.outcome,
        });
      case "unavailable":
        throw new ApiError("unavailable", "This request is held by another instance that cannot be reached now; try again shortly.");
      case "not_found":
        throw new ApiError("not_found", result.expired ? "This request expired; nothing was run." : "No pending request has this id.");
    }
  } catch (error) {
    return errorResponse(error);
  }
}
