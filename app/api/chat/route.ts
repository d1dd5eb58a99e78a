import { createUIMessageStreamResponse } from "ai";
import { streamChat } from "@/lib/chat/stream-chat";
import { errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { chatRequestSchema, MAX_CHAT_BODY_BYTES } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  try {
    const body = await readJsonBody(request, chatRequestSchema, MAX_CHAT_BODY_BYTES);
    const stream = streamChat({ threadId: body.id, messages: body.messages, signal: request.signal });
    return createUIMessageStreamResponse({ stream });
  } catch (error) {
    return errorResponse(error);
  }
}
