import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { connection } from "next/server";
import { AuditFilters, type AuditFilterValues } from "@/components/audit-filters";
import { AuditTable } from "@/components/audit-table";
import { AuditVerifyStatus } from "@/components/audit-verify-status";
import { auditScopeOf } from "@/lib/audit/access";
import { listAuditEntries } from "@/lib/audit/audit-query";
import { auditPaths, auditQuerySchema, type AuditQuery } from "@/lib/audit/contract";
import { principalOf, type Principal } from "@/lib/auth/principal";
import { ApiError } from "@/lib/errors";
import { serverState } from "@/lib/server-state";

export const metadata: Metadata = { title: "Audit trail · elicit-chat" };

type SearchParams = Record<string, string | string[] | undefined>;
const FILTER_KEYS = ["server", "outcome", "actor", "type", "from", "to"] as const;

/** The audit trail: admins see every entry, reviewers their own decisions; requesters are told it is not theirs. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  const principal = await whoIsAsking();
  if ("refused" in principal) return <Shell>{notice(principal.refused)}</Shell>;
  let scope;
  try {
    scope = auditScopeOf(principal);
  } catch (error) {
    return <Shell>{notice(isApiError(error) ? error.message : "Not allowed.")}</Shell>;
  }
  const values = filterValues(await searchParams);
  const query = auditQuerySchema.safeParse({ ...values, cursor: firstOf((await searchParams).cursor) });
  const state = serverState();
  await state.started;
  const page = query.success ? await listAuditEntries(state.database.db, query.data, scope, query.data) : undefined;
  const filters = query.success ? exportFilters(query.data, values) : {};
  return (
    <Shell>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {principal.role === "admin" ? "Every question's lifecycle and what followed." : "Your own decisions."} Entries are chained by
        SHA-256: a change to any of them shows when the chain is verified.
      </p>
      <AuditFilters values={values} showPerson={principal.role === "admin"} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        {principal.role === "admin" ? <AuditVerifyStatus /> : <span />}
        <p className="flex gap-3 text-sm">
          Export:
          <a className="font-medium underline underline-offset-2" href={auditPaths.list({ ...filters, format: "csv" })} download>
            CSV
          </a>
          <a className="font-medium underline underline-offset-2" href={auditPaths.list({ ...filters, format: "jsonl" })} download>
            JSON Lines
          </a>
        </p>
      </div>
      {page ? (
        <AuditTable entries={page.entries} />
      ) : (
        notice(`These filters cannot be read: ${query.error?.issues[0]?.path.join(".")}: ${query.error?.issues[0]?.message}.`)
      )}
      <nav aria-label="Pages" className="flex justify-between text-sm">
        {query.success && query.data.cursor !== undefined ? (
          <a className="underline underline-offset-2" href={`/audit?${new URLSearchParams(filters)}`}>
            ← Newest
          </a>
        ) : (
          <span />
        )}
        {page?.nextCursor != null && (
          <a
            className="underline underline-offset-2"
            href={`/audit?${new URLSearchParams({ ...filters, cursor: String(page.nextCursor) })}`}
          >
            Older entries →
          </a>
        )}
      </nav>
    </Shell>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h1 className="text-base font-semibold tracking-tight">Audit trail</h1>
        <Link href="/" className="text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400">
          Back to the chat
        </Link>
      </header>
      <main className="mx-auto flex w-full max-w-6xl min-w-0 flex-col gap-4 px-4 py-4">{children}</main>
    </div>
  );
}

function notice(text: string) {
  return (
    <p
      role="alert"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
    >
      {text}
    </p>
  );
}

/** principalOf takes a request; a page has its headers (the session cookie, or nothing in single-user mode). */
async function whoIsAsking(): Promise<Principal | { refused: string }> {
  const incoming = await headers();
  try {
    return await principalOf(new Request(`http://${incoming.get("host") ?? "localhost"}/audit`, { headers: incoming }));
  } catch (error) {
    if (isApiError(error)) return { refused: error.message };
    throw error;
  }
}

/** An ApiError from any bundle's copy of lib/errors.ts (principalOf may use services another route built). */
function isApiError(error: unknown): error is Error {
  return error instanceof ApiError || (error instanceof Error && error.name === "ApiError");
}

function firstOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function filterValues(params: SearchParams): AuditFilterValues {
  return Object.fromEntries(FILTER_KEYS.flatMap((key) => (firstOf(params[key]) ? [[key, firstOf(params[key])]] : [])));
}

/** The filters as given (times as typed, so the export reads them the same way), only those that parsed. */
function exportFilters(query: AuditQuery, values: AuditFilterValues): Record<string, string> {
  return Object.fromEntries(FILTER_KEYS.flatMap((key) => (query[key] !== undefined && values[key] ? [[key, values[key]]] : [])));
}
