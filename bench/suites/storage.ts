/**
 * What storage costs and how it scales (the durable-and-accountable figures):
 * - the answer round trip with storage and the audit trail on, against the same build with STORAGE=memory,
 *   sample by sample in the same loop;
 * - with 1,000 conversations and 100,000 audit entries on disk: the thread list's p95 (GET /api/chat/threads),
 *   and start-up time against an empty start of the same build.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { startAppServer, type AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { chatBody, openUiStream, postJson, type UiPart } from "../lib/http-client.ts";
import { BENCH_TMP } from "../lib/paths.ts";

const isPendingCard = (part: UiPart) =>
  part.type === "data-elicitation" && (part.data as { status?: string } | undefined)?.status === "pending";

/** One question asked and declined: from sending the chat message to the end of the resumed turn. */
async function roundTrip(app: AppServer, name: string): Promise<number> {
  const started = performance.now();
  const stream = openUiStream(app.baseUrl, chatBody(name, `m-${name}`, `run \`rm -rf ${name}\``));
  const card = await stream.waitFor(isPendingCard);
  const answer = await postJson(app.baseUrl, `/api/elicitations/${String((card.part.data as { id: string }).id)}`, { action: "decline" });
  if (answer.status !== 200) throw new Error(`answer got ${answer.status}: ${answer.body}`);
  await stream.finished;
  return performance.now() - started;
}

export async function storageOverhead(stored: AppServer, options: { samples: number; warmup: number }): Promise<Figure[]> {
  const memory = await startAppServer("memory", [], { STORAGE: "memory" });
  const on: number[] = [];
  const off: number[] = [];
  try {
    for (let i = 0; i < options.warmup + options.samples; i++) {
      // Alternated, so both servers see the same moments of a noisy machine.
      const withStorage = await roundTrip(stored, `stored-${i}`);
      const without = await roundTrip(memory, `memory-${i}`);
      if (i < options.warmup) continue;
      on.push(withStorage);
      off.push(without);
    }
  } finally {
    await memory.stop();
  }
  const [a, b] = [on, off].map((samples) => histogramOf(samples).summary());
  return [
    figure({
      name: "7a. answer round trip p50, storage and audit on",
      value: a!.p50,
      unit: "ms",
      baseline: b!.p50,
      maxRatio: 1.2,
      note: `chat message → card → decline → turn ends, ${a!.count} samples; baseline STORAGE=memory, same build`,
    }),
  ];
}

const CONVERSATIONS = 1_000;
const AUDIT_ENTRIES = 100_000;

/** Writes rows straight into a migrated database file, in large transactions. */
async function seed(file: string): Promise<void> {
  const client = createClient({ url: `file:${file}` });
  const now = Date.now();
  const conversations = Array.from({ length: CONVERSATIONS }, (_, i) => ({
    sql: "insert into conversations (id, owner_id, title, created_at, updated_at) values (?, 'local', ?, ?, ?)",
    args: [`seeded-${i}`, `Seeded conversation ${i} about build folder ${i % 37}`, now - i * 1000, now - i * 1000],
  }));
  const messages = conversations.flatMap((c, i) =>
    [0, 1].map((position) => ({
      sql: "insert into messages (conversation_id, id, position, role, message, updated_at) values (?, ?, ?, ?, ?, ?)",
      args: [
        `seeded-${i}`,
        `m${position}`,
        position,
        position ? "assistant" : "user",
        JSON.stringify({ id: `m${position}`, role: position ? "assistant" : "user", parts: [{ type: "text", text: "run `ls`" }] }),
        now,
      ],
    })),
  );
  await client.batch([...conversations, ...messages], "write");
  for (let start = 0; start < AUDIT_ENTRIES; start += 10_000) {
    const batch = Array.from({ length: 10_000 }, (_, k) => {
      const i = start + k;
      return {
        sql: `insert into audit_entries (at, type, question_id, conversation_id, actor, server_name, tool_name, outcome, details, prev_hash, hash)
              values (?, ?, ?, ?, ?, 'shell', 'run_command', ?, '{}', ?, ?)`,
        args: [
          now - (AUDIT_ENTRIES - i),
          i % 2 ? "answered" : "asked",
          `q${i >> 1}`,
          `seeded-${i % CONVERSATIONS}`,
          i % 2 ? "bob" : "local",
          i % 2 ? "declined" : null,
          `h${i - 1}`,
          `h${i}`,
        ],
      };
    });
    await client.batch(batch, "write");
  }
  client.close();
}

async function listP95(app: AppServer, samples: number): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const started = performance.now();
    const response = await fetch(`${app.baseUrl}/api/chat/threads?limit=50${i % 3 === 0 ? "&q=folder%201" : ""}`);
    await response.text();
    if (response.status !== 200) throw new Error(`the thread list answered ${response.status}`);
    if (i >= 20) durations.push(performance.now() - started);
  }
  return percentile(durations, 0.95);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export async function storageAtScale(options: { samples: number }): Promise<Figure[]> {
  const folder = path.join(BENCH_TMP, `scale-${process.pid}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "app.db");
  try {
    // An empty start migrates the new file; its time is the baseline.
    const empty = await startAppServer("scale-empty", [], { DATABASE_URL: file });
    const emptyStartMs = empty.readyAt - empty.spawnedAt;
    await empty.stop();
    await seed(file);
    const full = await startAppServer("scale-full", [], { DATABASE_URL: file });
    const fullStartMs = full.readyAt - full.spawnedAt;
    try {
      const p95 = await listP95(full, options.samples);
      return [
        figure({
          name: "7b. thread list p95, 1,000 conversations",
          value: p95,
          unit: "ms",
          max: 50,
          note: `GET /api/chat/threads?limit=50 (a third with a title search), ${options.samples} requests, 100,000 audit entries on disk`,
        }),
        figure({
          name: "7c. start-up with 1,000 conversations and 100,000 audit entries",
          value: fullStartMs,
          unit: "ms",
          baseline: emptyStartMs,
          maxRatio: 1.5,
          note: "spawn → first answer of next start; baseline: the same build on an empty database",
        }),
      ];
    } finally {
      await full.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
