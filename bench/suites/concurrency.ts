/**
 * Figure 3: 1,000 pending questions across 100 conversations, asked at once, then all answered.
 * - Routing: each chat stream must show exactly its own card; after the answers, each conversation as stored must
 *   show that card declined and the tool result of its own command; anything else is misrouted (a foreign card)
 *   or lost (no settlement or no result).
 * - Memory: the app server's heap after a full GC minus before, divided by the count, twice: with every chat
 *   stream still open (each turn parked, waiting to go on), and after the streams closed as tabs that went away
 *   (the bundled server's questions are durable: the turns are suspended in storage and nothing is held open).
 * - Throughput: the answers, sent by autocannon (10 connections), each resuming its turn from storage, against the
 *   same server's no-op path (unknown id → 404) under the same pending load, just before.
 */
import { randomUUID } from "node:crypto";
import type { AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { chatBody, openUiStream, type UiPart, type UiStream } from "../lib/http-client.ts";
import { postLoad } from "../lib/load.ts";

export interface Held {
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
export const cardOf = (part: UiPart) => (part.type === "data-elicitation" ? (part.data as CardData) : undefined);

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
  // The tabs go away: after the grace period (1 s in the bench) each turn ends, its question waits on in storage.
  // A finished turn stays replayable for a reloading tab for a minute (lib/chat/turns.ts): measured after that.
  held.forEach((h) => h.stream.abort());
  await new Promise((resolve) => setTimeout(resolve, 65_000));
  const heapSuspended = await app.heapUsed();
  const bytesPerSuspended = (heapSuspended - heapBefore) / held.length;

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
  let misrouted = 0;
  for (const h of held) {
    const cards = h.stream.parts.map((entry) => cardOf(entry.part)).filter((card) => card !== undefined);
    if (cards.some((card) => card.id !== h.id || card.threadId !== h.threadId || card.command !== h.command)) misrouted++;
  }
  const lost = await lostAnswers(app, held);

  const memory = figure({
    name: "3 heap per pending question (suspended)",
    value: bytesPerSuspended / 1024,
    unit: "KB",
    max: 20,
    note: `app server heap after GC: ${(heapBefore / 2 ** 20).toFixed(1)} MiB idle, ${(heapSuspended / 2 ** 20).toFixed(1)} MiB with ${held.length - notHeld} questions waiting, their turns suspended in storage and no chat stream open`,
  });
  // Per pending question means nothing unless every one of them was really pending.
  if (notHeld > 0) memory.met = false;
  const parked = figure({
    name: "3 heap per pending question (stream open)",
    value: bytesPerPending / 1024,
    unit: "KB",
    note: `with each chat stream still open (its turn parked, ready to go on in the same stream): ${(heapHeld / 2 ** 20).toFixed(1)} MiB; reported only`,
  });

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
    parked,
    figure({
      name: "3 answer throughput under load",
      value: answers.perSecond,
      unit: "req/s",
      baseline: noop.perSecond,
      // Reported only: each answer resumes a whole agent turn from storage (see BENCHMARKS.md), after its write.
      note: `${options.pending} answers, ${CONNECTIONS} connections, while the rest were held; baseline: no-op path, same server, same held load`,
    }),
  ];
}

/**
 * Answers whose turn did not come back as it should: each conversation, as stored once every resumed turn has
 * finished, must show its card declined and the result of its own command, not run.
 */
export async function lostAnswers(app: AppServer, held: Held[]): Promise<number> {
  const deadline = Date.now() + 120_000;
  let lost = held.length;
  while (lost > 0 && Date.now() < deadline) {
    const stored = new Map<string, string>();
    for (const threadId of new Set(held.map((h) => h.threadId))) {
      stored.set(threadId, await (await fetch(`${app.baseUrl}/api/chat/threads/${threadId}`)).text());
    }
    lost = held.filter((h) => !answeredAsExpected(stored.get(h.threadId) ?? "", h)).length;
    if (lost > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return lost;
}

function answeredAsExpected(conversation: string, h: Held): boolean {
  const { messages } = JSON.parse(conversation) as { messages: Array<{ parts: UiPart[] }> };
  const reply = messages.find((m) => m.parts.some((part) => cardOf(part)?.id === h.id));
  if (!reply) return false;
  const card = reply.parts.map(cardOf).find((c) => c?.id === h.id);
  const output = reply.parts.find((part) => part.type.startsWith("tool-") && part.state === "output-available")?.output as
    { command?: string; approval?: string } | undefined;
  return card?.status === "declined" && output?.command === h.command && output.approval === "declined";
}
