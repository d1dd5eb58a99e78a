import { createUIMessageStreamResponse } from "ai";
import { RUN_ID_HEADER } from "@/lib/chat/resume";
import { startTurn } from "@/lib/chat/start-turn";
import { errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { chatRequestSchema, MAX_CHAT_BODY_BYTES } from "./schema";

export const dynamic = "force-dynamic";

/** Starts a turn and follows it. Closing the response does not stop the turn at once: see ChatTurns. */
export async function POST(request: Request) {
  try {
    const body = await readJsonBody(request, chatRequestSchema, MAX_CHAT_BODY_BYTES);
    const run = startTurn({ threadId: body.id, messages: body.messages });
    return createUIMessageStreamResponse({ stream: run.log.subscribe(request.signal), headers: { [RUN_ID_HEADER]: run.id } });
  } catch (error) {
    return errorResponse(error);
  }
}
