/**
 * The audit trail at scale: 100,000 entries appended through the app's own AuditTrail (hash chain, write queue)
 * into a temporary database, then
 * - a filtered audit page (the query GET /api/audit and /audit run), p95 over mixed filters and cursors;
 * - a full CSV export read to the end through the same stream the route returns: how far RSS grows above what
 *   it was before the export started.
 * The app's server modules guard themselves with `server-only`, which only the react-server condition lets load,
 * so `auditTrailScale()` runs this same file in a child process with that condition (and --expose-gc, so the RSS
 * before the export is measured after a collection).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { AuditEntryType, AuditFilter } from "@/lib/audit/contract";
import { figure, type Figure } from "../lib/figures.ts";
import { BENCH_TMP, REPO_ROOT } from "../lib/paths.ts";

const ENTRIES = 100_000;
const PAGE_SAMPLES = 400;
const SERVERS = ["shell", "github", "filesystem", "slack", "jira", "postgres", "k8s", "aws", "notion", "linear"];
const OUTCOMES = ["pending", "accepted", "declined", "cancelled", "expired", "exit 0", "exit 1"];
const TYPES: AuditEntryType[] = ["asked", "answered", "ran", "notified", "routed"];
/** The nth item of a list, round and round. */
const nth = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

interface Measured {
  seedMs: number;
  pageMs: number[];
  exportMs: number;
  exportBytes: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  verifyMs: number;
}

/** What `npm run bench` calls: the two audit figures, measured in a child process on a fresh database. */
export async function auditTrailScale(): Promise<Figure[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=react-server", "--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--measure"],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_ENV: "production" } },
  );
  const measured = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Measured;
  const sorted = [...measured.pageMs].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return [
    figure({
      name: "7d. audit page p95, 100,000 entries, filtered",
      value: p(0.95),
      unit: "ms",
      max: 100,
      note: `${sorted.length} pages of 50 (server, outcome, person, type, time range, deep cursors); p50 ${p(0.5).toFixed(2)} ms; seeding took ${Math.round(measured.seedMs / 1000)} s; verifying the chain ${Math.round(measured.verifyMs)} ms`,
    }),
    figure({
      name: "7e. audit CSV export of 100,000 entries, RSS growth",
      value: measured.rssPeakMb - measured.rssBeforeMb,
      unit: "MB",
      max: 50,
      note: `${(measured.exportBytes / 1e6).toFixed(1)} MB of CSV in ${Math.round(measured.exportMs)} ms; RSS ${measured.rssBeforeMb.toFixed(0)} MB before, ${measured.rssPeakMb.toFixed(0)} MB at most`,
    }),
  ];
}

async function measure(): Promise<Measured> {
  // Imported here: only the child (with the react-server condition) may load server modules.
  const { openDatabase } = await import("@/lib/db/open-database");
  const { WriteQueue } = await import("@/lib/db/write-queue");
  const { AuditTrail } = await import("@/lib/audit/audit-trail");
  const { listAuditEntries } = await import("@/lib/audit/audit-query");
  const { exportStream } = await import("@/lib/audit/export");
  const { verifyChain } = await import("@/lib/audit/verify");

  const folder = mkdtempSync(path.join(BENCH_TMP, "audit-"));
  const database = openDatabase(path.join(folder, "audit.db"));
  try {
    await database.ready;
    const audit = new AuditTrail(new WriteQueue(database));
    const t0 = Date.UTC(2026, 0, 1);
    const seedStarted = performance.now();
    for (let start = 0; start < ENTRIES; start += 2_000) {
      const appends = [];
      for (let i = start; i < Math.min(ENTRIES, start + 2_000); i++) {
        appends.push(
          audit.record({
            type: nth(TYPES, i),
            at: t0 + i * 1_000,
            questionId: `q-${Math.floor(i / 3)}`,
            conversationId: `c-${i % 1_000}`,
            actor: i % 4 === 0 ? "system" : `user-${i % 50}`,
            serverName: nth(SERVERS, i),
            toolName: "run_command",
            outcome: nth(OUTCOMES, i),
            details: { command: `rm -rf build-${i}`, note: 'seeded by the bench, with a comma, and "quotes"' },
          }),
        );
      }
      await Promise.all(appends);
    }
    const seedMs = performance.now() - seedStarted;

    const pageMs: number[] = [];
    for (let n = 0; n < PAGE_SAMPLES; n++) {
      const filters = nth<AuditFilter>(
        [
          { server: nth(SERVERS, n) },
          { server: nth(SERVERS, n), outcome: nth(OUTCOMES, n) },
          { actor: `user-${n % 50}` },
          { type: nth(TYPES, n), from: t0 + (n % 90) * 1_000_000, to: t0 + (n % 90) * 1_000_000 + 5_000_000 },
          { outcome: "expired" },
        ],
        n,
      );
      const cursor = n % 3 === 0 ? undefined : 1 + ((n * 7_919) % ENTRIES);
      const started = performance.now();
      await listAuditEntries(database.db, filters, { all: true }, { limit: 50, cursor });
      pageMs.push(performance.now() - started);
    }

    const verifyStarted = performance.now();
    await verifyChain(database.db);
    const verifyMs = performance.now() - verifyStarted;

    globalThis.gc?.();
    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    let rssPeakMb = rssBeforeMb;
    let exportBytes = 0;
    const exportStarted = performance.now();
    const reader = exportStream(database.db, {}, { all: true }, "csv").getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      exportBytes += next.value.byteLength;
      rssPeakMb = Math.max(rssPeakMb, process.memoryUsage().rss / 2 ** 20);
    }
    const exportMs = performance.now() - exportStarted;
    return { seedMs, pageMs, exportMs, exportBytes, rssBeforeMb, rssPeakMb, verifyMs };
  } finally {
    await database.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv.includes("--measure") && process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measure()));
}
