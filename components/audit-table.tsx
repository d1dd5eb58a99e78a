import type { AuditEntry } from "@/lib/audit/contract";

const TONE: Record<string, string> = {
  accepted: "text-emerald-700 dark:text-emerald-400",
  "exit 0": "text-emerald-700 dark:text-emerald-400",
  declined: "text-red-700 dark:text-red-400",
};

/** The audit entries as a table; on a phone it scrolls sideways inside its own box, the page does not. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        No entries match.
      </p>
    );
  }
  return (
    <div
      className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800"
      tabIndex={0}
      role="region"
      aria-label="Audit entries"
    >
      <table className="w-full min-w-[48rem] border-collapse text-left text-sm">
        <caption className="sr-only">Audit entries, newest first</caption>
        <thead className="bg-zinc-50 text-xs tracking-wide text-zinc-600 uppercase dark:bg-zinc-900 dark:text-zinc-400">
          <tr>
            {["#", "Time (UTC)", "Type", "Who", "Server", "Tool", "Outcome", "Question"].map((label) => (
              <th key={label} scope="col" className="px-3 py-2 font-medium">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {entries.map((entry) => (
            <tr key={entry.seq} data-testid="audit-row" data-type={entry.type} className="align-top">
              <td className="px-3 py-2 text-zinc-500 tabular-nums dark:text-zinc-400">{entry.seq}</td>
              <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                <time dateTime={new Date(entry.at).toISOString()}>{new Date(entry.at).toISOString().slice(0, 19).replace("T", " ")}</time>
              </td>
              <td className="px-3 py-2 font-medium">{entry.type}</td>
              <td className="px-3 py-2">{entry.actor}</td>
              <td className="px-3 py-2">{entry.serverName ?? "–"}</td>
              <td className="px-3 py-2">{entry.toolName ?? "–"}</td>
              <td className={`px-3 py-2 ${TONE[entry.outcome ?? ""] ?? ""}`}>{entry.outcome ?? "–"}</td>
              <td className="max-w-[16rem] px-3 py-2">
                <Question entry={entry} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The question's id (short), and the command or message it was about when the entry says. */
function Question({ entry }: { entry: AuditEntry }) {
  const about = typeof entry.details.command === "string" ? entry.details.command : undefined;
  const id = entry.questionId;
  return (
    <div className="min-w-0">
      {id ? (
        <span className="font-mono text-xs" title={id}>
          {id.slice(0, 8)}
        </span>
      ) : (
        <span className="text-zinc-500">–</span>
      )}
      {about && (
        <code className="block truncate text-xs text-zinc-600 dark:text-zinc-400" title={about}>
          {about}
        </code>
      )}
    </div>
  );
}
