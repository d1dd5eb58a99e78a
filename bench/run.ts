/**
 * `npm run bench`: builds the app into .next-bench, measures every figure of BENCHMARKS.md against a baseline
 * taken in the same run, prints a table and writes bench/results.json.
 *
 * BENCH_SKIP_BUILD=1 reuses an existing .next-bench build; BENCH_SAMPLES=<n> changes the latency sample count
 * (default 500; fewer is only for trying the bench out, the figures need 500).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startAppServer } from "./lib/app-server.ts";
import { buildApp } from "./lib/build-app.ts";
import { formatTable, round, type Figure } from "./lib/figures.ts";
import { describeMachine } from "./lib/machine.ts";
import { BENCH_DIR } from "./lib/paths.ts";
import { chatBody, openUiStream } from "./lib/http-client.ts";
import { chatTurn, mcpSpawns } from "./suites/chat-turn.ts";
import { clientWeight } from "./suites/client-weight.ts";
import { appFirstToolList, mcpColdStart } from "./suites/cold-start.ts";
import { concurrency } from "./suites/concurrency.ts";
import { elicitationRoundTrip } from "./suites/elicitation-round-trip.ts";
import { shellPolicy } from "./suites/shell-policy.ts";
import { storageAtScale, storageOverhead } from "./suites/storage.ts";
import { auditTrailScale } from "./suites/audit.ts";
import { inboxLatency } from "./suites/inbox.ts";
import { cluster } from "./suites/cluster.ts";
import { peopleAsATool } from "./suites/people.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES) || 500;
const WARMUP = Math.max(20, Math.round(SAMPLES / 10));
const COLD_STARTS = 15;
/** Each sample is a whole turn on each of two servers; 100 pairs give a stable p50. */
const STORAGE_SAMPLES = Math.min(SAMPLES, 100);
const HELD = { pending: 1000, conversations: 100 };
/** Figure 8a pairs a cross-instance answer with a same-instance one; 100 pairs keep section 8 near 2 minutes. */
const CLUSTER = { pairs: Math.min(SAMPLES, 100), warmup: Math.min(WARMUP, 20), held: HELD, kills: 5 };
/** Section 9 (people as a tool): 100 asks after 10, 1,000 requests held, 50 lists of each kind; about 30-50 s. */
const PEOPLE = { asks: Math.min(SAMPLES, 100), warmup: 10, open: 1000, lists: 50 };

const log = (message: string) => console.log(`[bench] ${message}`);

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  const figures: Figure[] = [];

  log("building the app into .next-bench …");
  const buildMs = await buildApp();
  log(buildMs ? `built in ${round(buildMs / 1000, 1)} s` : "reusing the existing build (BENCH_SKIP_BUILD=1)");

  log("6: shell policy …");
  figures.push(...shellPolicy());
  log("4: MCP server cold start …");
  figures.push(...(await mcpColdStart(COLD_STARTS)));

  const app = await startAppServer("app");
  try {
    log(`app server on ${app.baseUrl}, pid ${app.pid}`);
    // The first turn, sent the moment the server answers, is what makes the app spawn its MCP server.
    await openUiStream(app.baseUrl, chatBody("first-turn", "m-0", "run `pwd`")).finished;
    figures.push(...appFirstToolList(app));
    log("5: client weight …");
    figures.push(...(await clientWeight(app)));
    log("2: chat turn …");
    figures.push(...(await chatTurn(app, { samples: SAMPLES, warmup: WARMUP })));
    log("1: elicitation round trip …");
    figures.push(...(await elicitationRoundTrip(app, { samples: SAMPLES, warmup: WARMUP })));
    log(`3: ${HELD.pending} pending elicitations across ${HELD.conversations} conversations …`);
    figures.push(...(await concurrency(app, HELD)));
    figures.push(mcpSpawns(app, 1 + 2 * (SAMPLES + WARMUP) + HELD.pending));
    log("7: storage on against STORAGE=memory …");
    figures.push(...(await storageOverhead(app, { samples: STORAGE_SAMPLES, warmup: 10 })));
    log("7: a question reaching an open inbox …");
    figures.push(...(await inboxLatency(app, { samples: STORAGE_SAMPLES })));
  } catch (error) {
    console.error(app.output().slice(-4000));
    throw error;
  } finally {
    await app.stop();
  }

  log("7: 1,000 conversations and 100,000 audit entries …");
  figures.push(...(await storageAtScale({ samples: 200 })));
  log("7: the audit trail with 100,000 entries …");
  figures.push(...(await auditTrailScale()));
  log(`9: people as a tool: ask_human to an open inbox, then ${PEOPLE.open} open requests listed …`);
  figures.push(...(await peopleAsATool(PEOPLE)));
  log("8: several instances on Postgres and Redis …");
  figures.push(...(await cluster(CLUSTER)));

  // In the order; within a number, in the order measured.
  figures.sort((a, b) => parseInt(a.name) - parseInt(b.name));
  const results = { machine, date: new Date().toISOString(), durationS: round((performance.now() - started) / 1000, 1), figures };
  writeFileSync(path.join(BENCH_DIR, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${formatTable(figures)}\n`);
  log(`done in ${results.durationS} s; wrote bench/results.json`);
  const missed = figures.filter((f) => !f.met);
  if (missed.length) log(`targets missed: ${missed.map((f) => f.name).join("; ")}`);
}

await main();
