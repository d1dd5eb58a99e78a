import { randomUUID } from "node:crypto";
import { expect } from "@playwright/test";
import { elicitationDataSchema, type ElicitationData } from "../../lib/elicitation/contract";

/**
 * The chat over HTTP, for tests that need no page: send a message to an app instance and read its stream until
 * the first pending card, which is returned once the server has stored it (the reply is saved every 250 ms).
 */
export async function askForCard(baseURL: string, text: string): Promise<{ threadId: string; card: ElicitationData }> {
  const threadId = randomUUID();
  const response = await fetch(`${baseURL}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id: threadId, messages: [{ id: randomUUID(), role: "user", parts: [{ type: "text", text }] }] }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the turn ended without a card: ${seen}`);
    seen += value;
    const card = cardIn(seen);
    if (!card) continue;
    await reader.cancel().catch(() => {});
    await expect.poll(async () => JSON.stringify(await conversation(baseURL, threadId))).toContain(`"id":"${card.id}"`);
    return { threadId, card };
  }
}

function cardIn(stream: string): ElicitationData | undefined {
  for (const line of stream.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const chunk = JSON.parse(line.slice("data: ".length)) as { type: string; data?: unknown };
    if (chunk.type !== "data-elicitation") continue;
    const card = elicitationDataSchema.parse(chunk.data);
    if (card.status === "pending") return card;
  }
  return undefined;
}

export async function conversation(
  baseURL: string,
  threadId: string,
): Promise<{ messages: { parts: { type: string; data?: unknown }[] }[] }> {
  return (await fetch(`${baseURL}/api/chat/threads/${threadId}`)).json();
}

/** The card with this id as the conversation shows it now. */
export async function storedCard(baseURL: string, threadId: string, id: string): Promise<ElicitationData | undefined> {
  const { messages } = await conversation(baseURL, threadId);
  const part = messages.flatMap((m) => m.parts).find((p) => p.type === "data-elicitation" && (p.data as { id?: string })?.id === id);
  return part && elicitationDataSchema.parse(part.data);
}

export function answer(baseURL: string, id: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseURL}/api/elicitations/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
