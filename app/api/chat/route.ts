import { createUIMessageStreamResponse } from "ai";
import { principalOf } from "@/lib/auth/principal";
import { RUN_ID_HEADER } from "@/lib/chat/resume";
import { startTurn } from "@/lib/chat/start-turn";
import { ApiError, errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { serverState } from "@/lib/server-state";
import { chatRequestSchema, MAX_CHAT_BODY_BYTES } from "./schema";

export const dynamic = "force-dynamic";

/** Starts a turn and follows it. Closing the response does not stop the turn at once: see ChatTurns. */
export async function POST(request: Request) {
  try {
    const principal = await principalOf(request);
    const body = await readJsonBody(request, chatRequestSchema, MAX_CHAT_BODY_BYTES);
    const state = serverState();
    await state.started;
    const existing = await state.conversationStore.get(body.id);
    // Only its owner continues a conversation; to anyone else it does not exist.
    if (existing && existing.ownerId !== principal.id) throw new ApiError("not_found", "No such conversation.");
    const run = await startTurn({ threadId: body.id, ownerId: principal.id, ownerName: principal.name, messages: body.messages });
    return createUIMessageStreamResponse({ stream: run.log.subscribe(request.signal), headers: { [RUN_ID_HEADER]: run.id } });
  } catch (error) {
    return errorResponse(error);
  }
}
