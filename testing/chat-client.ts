/**
 * Calls the chat and answer route handlers the way the browser does, for integration tests.
 */
import { POST as answerRoute } from "@/app/api/elicitations/[id]/route";
import { POST as chatRoute } from "@/app/api/chat/route";
import { elicitationDataSchema, ELICITATION_PART_TYPE, type ElicitationAnswer } from "@/lib/elicitation/contract";
import { UiStreamReader, type StreamChunk } from "./ui-stream";

let turn = 0;

export async function chat(text: string, options: { threadId?: string; signal?: AbortSignal } = {}): Promise<UiStreamReader> {
  turn += 1;
  const body = {
    id: options.threadId ?? `thread-${turn}`,
    messages: [{ id: `m${turn}`, role: "user", parts: [{ type: "text", text }] }],
    trigger: "submit-message",
  };
  const response = await chatRoute(
    new Request("http://127.0.0.1/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: options.signal,
    }),
  );
  return new UiStreamReader(response);
}

export function answer(id: string, body: ElicitationAnswer | string, contentType = "application/json"): Promise<Response> {
  return answerRoute(
    new Request(`http://127.0.0.1/api/elicitations/${id}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
}

export const isCard = (status?: string) => (c: StreamChunk) =>
  c.type === ELICITATION_PART_TYPE && (status === undefined || elicitationDataSchema.parse(c.data).status === status);
export const isToolOutput = (c: StreamChunk) => c.type === "tool-output-available" || c.type === "tool-output-error";
export const cardOf = (c: StreamChunk) => elicitationDataSchema.parse(c.data);
