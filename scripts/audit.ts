/**
 * `npm run audit -- <command>`: the audit trail in the database DATABASE_URL names (as the app).
 *   verify                                  recomputes the hash chain: exit 0 "verified N entries", or exit 1
 *                                           naming the first entry that does not match and why
 *   export --format csv|jsonl [filters]     writes every matching entry to stdout, oldest first, in batches
 *     filters: --server S --outcome O --actor A --type T --from TIME --to TIME (as GET /api/audit takes them)
 * Runs with the react-server condition (see package.json), so the server modules' `server-only` guard holds.
 */
import { once } from "node:events";
import { parseArgs } from "node:util";
import { auditQuerySchema } from "@/lib/audit/contract";
import { exportStream } from "@/lib/audit/export";
import { describeVerification, verifyChain } from "@/lib/audit/verify";
import { appConfig } from "@/lib/config";
import { openDatabase, type Database } from "@/lib/db/open-database";

const FILTERS = ["server", "outcome", "actor", "type", "from", "to"] as const;
const USAGE = `Usage: npm run audit -- verify | export --format csv|jsonl [${FILTERS.map((f) => `--${f} ...`).join(" ")}]`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: Object.fromEntries(["format", ...FILTERS].map((name) => [name, { type: "string" as const }])),
  });
  const [command, ...rest] = positionals;
  if (rest.length > 0 || (command !== "verify" && command !== "export")) return usage();

  const database = openDatabase(appConfig().databaseUrl);
  try {
    await database.ready;
    if (command === "verify") {
      const result = await verifyChain(database.db);
      (result.ok ? console.log : console.error)(describeVerification(result));
      return result.ok ? 0 : 1;
    }
    return await exportTo(database, values);
  } finally {
    await database.close();
  }
}

async function exportTo(database: Database, values: Record<string, string | boolean | undefined>): Promise<number> {
  const query = auditQuerySchema.safeParse(values);
  if (!query.success) return usage(query.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
  const { format } = query.data;
  if (format === "json") return usage("--format must be csv or jsonl.");
  // Written as it is read, waiting for stdout to drain: memory stays flat for a trail of any size.
  const reader = exportStream(database.db, query.data, { all: true }, format).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    if (!process.stdout.write(next.value)) await once(process.stdout, "drain");
  }
  return 0;
}

function usage(problem?: string): number {
  if (problem) console.error(problem);
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
