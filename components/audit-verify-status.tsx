"use client";

import { useState } from "react";
import { auditPaths, auditVerificationSchema, type AuditVerification } from "@/lib/audit/contract";
import { apiErrorOf } from "@/lib/api-contract";

type Status = { kind: "idle" } | { kind: "checking" } | { kind: "done"; result: AuditVerification } | { kind: "failed"; message: string };

/** "Verify chain": recomputes every entry's hash on the server and says whether the trail is intact. */
export function AuditVerifyStatus() {
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  async function verify() {
    setStatus({ kind: "checking" });
    try {
      const response = await fetch(auditPaths.verify, { cache: "no-store" });
      const json: unknown = await response.json();
      if (!response.ok) return setStatus({ kind: "failed", message: apiErrorOf(json)?.message ?? `HTTP ${response.status}` });
      setStatus({ kind: "done", result: auditVerificationSchema.parse(json) });
    } catch (error) {
      setStatus({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  }
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        onClick={verify}
        disabled={status.kind === "checking"}
        className="rounded-md border border-zinc-300 px-3 py-1.5 font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
      >
        Verify chain
      </button>
      <p role="status" aria-live="polite" data-testid="audit-verify-status" className={toneOf(status)}>
        {describe(status)}
      </p>
    </div>
  );
}

function describe(status: Status): string {
  switch (status.kind) {
    case "idle":
      return "Not checked yet.";
    case "checking":
      return "Checking every entry…";
    case "failed":
      return `Could not check: ${status.message}`;
    case "done":
      return status.result.ok
        ? `Chain intact: ${status.result.entries} entries verified.`
        : `Chain broken at entry ${status.result.seq}: ${status.result.reason}.`;
  }
}

function toneOf(status: Status): string {
  if (status.kind === "done")
    return status.result.ok ? "text-emerald-700 dark:text-emerald-400" : "font-medium text-red-700 dark:text-red-400";
  return status.kind === "failed" ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400";
}
