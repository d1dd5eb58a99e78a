import { AUDIT_ENTRY_TYPES } from "@/lib/audit/contract";

export interface AuditFilterValues {
  server?: string;
  outcome?: string;
  actor?: string;
  type?: string;
  from?: string;
  to?: string;
}

const OUTCOMES = ["pending", "accepted", "declined", "cancelled", "expired", "exit 0", "timed out", "called", "not called"];
const field = "mt-1 w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const label = "text-xs font-medium text-zinc-600 dark:text-zinc-400";

/** The filters, as a plain GET form: the address says what is shown, so a filtered view can be shared or reloaded. */
export function AuditFilters({ values, showPerson }: { values: AuditFilterValues; showPerson: boolean }) {
  return (
    <form
      method="get"
      action="/audit"
      aria-label="Filter the audit trail"
      className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-7 lg:items-end"
    >
      <label className={label}>
        Server
        <input name="server" defaultValue={values.server} className={field} placeholder="any" />
      </label>
      <label className={label}>
        Outcome
        <input name="outcome" defaultValue={values.outcome} className={field} placeholder="any" list="audit-outcomes" />
        <datalist id="audit-outcomes">
          {OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome} />
          ))}
        </datalist>
      </label>
      {showPerson && (
        <label className={label}>
          Person
          <input name="actor" defaultValue={values.actor} className={field} placeholder="any (a user id, or system)" />
        </label>
      )}
      <label className={label}>
        Type
        <select name="type" defaultValue={values.type ?? ""} className={field}>
          <option value="">any</option>
          {AUDIT_ENTRY_TYPES.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
      </label>
      <label className={label}>
        From
        <input type="datetime-local" name="from" defaultValue={values.from} className={field} />
      </label>
      <label className={label}>
        To
        <input type="datetime-local" name="to" defaultValue={values.to} className={field} />
      </label>
      <div className="flex gap-2">
        <button
          type="submit"
          className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
        >
          Apply
        </button>
        <a href="/audit" className="rounded-md px-3 py-1.5 text-sm text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">
          Clear
        </a>
      </div>
    </form>
  );
}
