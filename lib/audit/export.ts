import "server-only";
import type { Kysely } from "kysely";
import type { Tables } from "@/lib/db/tables";
import { auditEntriesInBatches, type AuditScope } from "./audit-query";
import { AUDIT_CSV_COLUMNS, type AuditEntry, type AuditFilter } from "./contract";

export type ExportFormat = "csv" | "jsonl";

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

/**
 * Every matching entry as CSV (a header row, then one row per entry, CRLF line ends as RFC 4180 says) or JSON
 * Lines, oldest first. A pull stream: the next batch is read only when the consumer wants more, so memory stays
 * flat for a trail of any size and a slow or gone client stops the reading.
 */
export function exportStream(db: Kysely<Tables>, filter: AuditFilter, scope: AuditScope, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = auditEntriesInBatches(db, filter, scope);
  let headerSent = format !== "csv";
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvRow(AUDIT_CSV_COLUMNS)));
          return;
        }
        const next = await batches.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map(format === "csv" ? csvLine : jsonLine).join("")));
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    // One batch at a time: nothing is read ahead of what the client takes.
    { highWaterMark: 1 },
  );
}

function jsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

function csvLine(entry: AuditEntry): string {
  return csvRow(AUDIT_CSV_COLUMNS.map((column) => (column === "details" ? JSON.stringify(entry.details) : entry[column])));
}

function csvRow(cells: ReadonlyArray<unknown>): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * One CSV cell: quoted when it holds a comma, a quote or a line break (quotes doubled). A text that a spreadsheet
 * would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe first;
 * numbers are written as numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The download's file name: the format and the time, never anything from the query. */
export function exportFileName(format: ExportFormat, now = new Date()): string {
  return `audit-${now.toISOString().replace(/[:.]/g, "-")}.${format}`;
}
