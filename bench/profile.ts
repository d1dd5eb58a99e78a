/**
 * Profiling aids behind the figures in BENCHMARKS.md (not part of `npm run bench`):
 *   npx tsx bench/profile.ts heap [held]   what the app server's heap holds per pending elicitation
 *   npx tsx bench/profile.ts cpu           a CPU profile of the app server while figure 3 runs
 * Uses the existing .next-bench build (run `npm run bench` once first).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startAppServer } from "./lib/app-server.ts";
import { growth, sizesByKind } from "./lib/heap-snapshot.ts";
import { chatBody, openUiStream } from "./lib/http-client.ts";
import { BENCH_TMP } from "./lib/paths.ts";
import { concurrency } from "./suites/concurrency.ts";

const [mode = "heap", heldArg = "200"] = process.argv.slice(2);
const out = path.join(BENCH_TMP, "profile");
mkdirSync(out, { recursive: true });

async function heap(held: number): Promise<void> {
  const app = await startAppServer("profile");
  try {
    await openUiStream(app.baseUrl, chatBody("warm", "m", "run `pwd`")).finished;
    await app.heapUsed();
    const before = path.join(out, "before.heapsnapshot");
    await app.heapSnapshot(before);
    const streams = [];
    for (let i = 0; i < held; i++) {
      const stream = openUiStream(app.baseUrl, chatBody(`c-${i % 100}`, `m-${i}`, `run \`rm -rf p-${i}\``));
      await stream.waitFor((part) => part.type === "data-elicitation");
      streams.push(stream);
    }
    await app.heapUsed();
    const after = path.join(out, "after.heapsnapshot");
    await app.heapSnapshot(after);
    const rows = growth(sizesByKind(before), sizesByKind(after));
    const total = rows.reduce((sum, row) => sum + row.bytes, 0);
    console.log(`grew ${(total / held / 1024).toFixed(1)} KB per held turn; largest kinds, per held turn:`);
    for (const row of rows.slice(0, 40)) {
      console.log(
        `${(row.bytes / held / 1024).toFixed(2).padStart(8)} KB  ${(row.count / held).toFixed(1).padStart(7)} objects  ${row.kind}`,
      );
    }
  } finally {
    await app.stop();
  }
}

async function cpu(): Promise<void> {
  const app = await startAppServer("profile", ["--cpu-prof", `--cpu-prof-dir=${out}`]);
  try {
    await openUiStream(app.baseUrl, chatBody("warm", "m", "run `pwd`")).finished;
    console.log(await concurrency(app, { pending: 1000, conversations: 100 }));
  } finally {
    await app.stop();
  }
  console.log(`CPU profile written to ${out} (open in Chrome DevTools, or summarise with bench/.tmp tools)`);
}

if (mode === "cpu") await cpu();
else await heap(Number(heldArg));
