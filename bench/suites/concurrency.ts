/**
 * Figure 3: 1,000 pending elicitations across 100 conversations, held at once, then all answered.
 * - Routing: each chat stream must show exactly its own card, see it settle as declined, and get the tool result
 *   of its own command; anything else is misrouted (a foreign card) or lost (no settlement or no result).
 * - Memory: the app server's heap after a full GC, with all held, minus before; divided by the count.
 * - Throughput: the answers, sent by autocannon (10 connections) while the rest are still held, against the
 *   same server's no-op path (unknown id → 404) under the same held load, just before.
 */
import { randomUUID } from "node:crypto";
import type { AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { chatBody, openUiStream, type UiPart, type UiStream } from "../lib/http-client.ts";
import { postLoad } from "../lib/load.ts";

interface Held {
  threadId: string;
  command: string;
  stream: UiStream;
  id: string;
}

const CONNECTIONS = 10;

interface CardData {
  id: string;
  threadId: string;
  command?: string;
  status: string;
}
const cardOf = (part: UiPart) => (part.type === "data-elicitation" ? (part.data as CardData) : undefined);

export async function concurrency(app: AppServer, options: { pending: number; conversations: number }): Promise<Figure[]> {
  const heapBefore = await app.heapUsed();
  const held: Held[] = [];
  // Opened a conversation's worth at a time, so 1,000 connects do not overflow the listen backlog.
  for (let first = 0; first < options.pending; first += options.conversations) {
    const batch: Array<Promise<Held>> = [];
    for (let i = first; i < Math.min(first + options.conversations, options.pending); i++) {
      const threadId = `conversation-${i % options.conversations}`;
      const command = `rm -rf held-${i}`;
      const stream = openUiStream(app.baseUrl, chatBody(threadId, `m-${i}`, `run \`${command}\``));
      batch.push(
        stream
          .waitFor((part) => cardOf(part)?.status === "pending")
          .then(({ part }) => ({ threadId, command, stream, id: cardOf(part)!.id })),
      );
    }
    held.push(...(await Promise.all(batch)));
  }
  // A card already settled here was cancelled by the app (a cap, a closed request): it is not held.
  const notHeld = held.filter((h) =>
    h.stream.parts.some((entry) => cardOf(entry.part)?.status !== undefined && cardOf(entry.part)?.status !== "pending"),
  ).length;
  const heapHeld = await app.heapUsed();
  const bytesPerPending = (heapHeld - heapBefore) / held.length;

  const noop = await postLoad({
    baseUrl: app.baseUrl,
    nextPath: () => `/api/elicitations/${randomUUID()}`,
    body: { action: "decline" },
    amount: options.pending,
    connections: CONNECTIONS,
  });
  const queue = held.map((h) => h.id);
  const answers = await postLoad({
    baseUrl: app.baseUrl,
    nextPath: () => `/api/elicitations/${queue.shift() ?? randomUUID()}`,
    body: { action: "decline" },
    amount: options.pending,
    connections: CONNECTIONS,
  });
  await Promise.all(held.map((h) => h.stream.finished));

  let misrouted = 0;
  let lost = 0;
  for (const h of held) {
    const cards = h.stream.parts.map((entry) => cardOf(entry.part)).filter((card) => card !== undefined);
    if (cards.some((card) => card.id !== h.id || card.threadId !== h.threadId || card.command !== h.command)) misrouted++;
    const settled = cards.some((card) => card.id === h.id && card.status === "declined");
    const result = h.stream.parts.find((entry) => entry.part.type === "tool-output-available")?.part.output as
      { command?: string; approval?: string } | undefined;
    if (!settled || result?.command !== h.command || result.approval !== "declined") lost++;
  }

  const memory = figure({
    name: "3 heap per pending elicitation",
    value: bytesPerPending / 1024,
    unit: "KB",
    max: 20,
    note: `app server heap after GC: ${(heapBefore / 2 ** 20).toFixed(1)} MiB idle, ${(heapHeld / 2 ** 20).toFixed(1)} MiB with ${held.length - notHeld} held; includes each held chat turn`,
  });
  // Per pending elicitation means nothing unless every one of them was really pending.
  if (notHeld > 0) memory.met = false;

  return [
    figure({
      name: "3 misrouted or lost answers",
      value: misrouted + lost + (options.pending - answers.statuses.ok),
      unit: "answers",
      baseline: held.length,
      max: 0,
      note: `${misrouted} misrouted, ${lost} lost, ${answers.statuses.ok}/${options.pending} answers accepted, ${notHeld} settled before the answers; baseline: answers sent`,
    }),
    memory,
    figure({
      name: "3 answer throughput under load",
      value: answers.perSecond,
      unit: "req/s",
      baseline: noop.perSecond,
      // Reported only: each answer resumes a whole agent turn (see BENCHMARKS.md), and now waits for its write too.
      note: `${options.pending} answers, ${CONNECTIONS} connections, while the rest were held; baseline: no-op path, same server, same held load`,
    }),
  ];
}
