"use client";

import { useAuiState, type ToolCallMessagePartComponent } from "@assistant-ui/react";
import { useState } from "react";
import { runCommandOutputSchema, type RunCommandOutput } from "@/mcp-server/contract";
import { ELICITATION_PART_NAME, elicitationDataSchema } from "@/lib/elicitation/contract";

const COLLAPSED_LINES = 12;

type Args = { command?: string; timeoutMs?: number };

function Badge({ tone, children }: { tone: "ok" | "bad" | "muted" | "busy"; children: React.ReactNode }) {
  const tones = {
    ok: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
    bad: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
    muted: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
    busy: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  };
  return <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

const NOT_RUN_LABEL: Partial<Record<RunCommandOutput["approval"], string>> = {
  denied: "denied by policy",
  refused: "refused",
  unavailable: "cannot ask",
};

function statusBadge(output: RunCommandOutput | undefined, running: boolean, awaitingApproval: boolean, noResult: boolean) {
  if (!output && awaitingApproval) return <Badge tone="busy">waiting for approval</Badge>;
  if (!output && running) return <Badge tone="busy">running…</Badge>;
  if (!output) return noResult ? <Badge tone="muted">no result</Badge> : <Badge tone="bad">failed</Badge>;
  if (!output.ran) return <Badge tone="muted">not run · {NOT_RUN_LABEL[output.approval] ?? output.approval}</Badge>;
  if (output.timedOut) return <Badge tone="bad">timed out</Badge>;
  return <Badge tone={output.exitCode === 0 ? "ok" : "bad"}>exit {output.exitCode ?? output.signal}</Badge>;
}

function Output({ text }: { text: string }) {
  const [expanded, setExpanded] = useState(false);
  const lines = text.replace(/\n$/, "").split("\n");
  const long = lines.length > COLLAPSED_LINES;
  const shown = long && !expanded ? lines.slice(0, COLLAPSED_LINES).join("\n") : lines.join("\n");
  return (
    <div className="border-t border-zinc-200 dark:border-zinc-800">
      <pre className="max-h-[28rem] overflow-auto px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre" data-testid="command-output">
        {shown}
      </pre>
      {long && (
        <button
          type="button"
          onClick={() => setExpanded((value) => !value)}
          className="w-full border-t border-zinc-200 py-1 text-xs text-zinc-600 hover:bg-zinc-100 dark:border-zinc-800 dark:text-zinc-400 dark:hover:bg-zinc-900"
        >
          {expanded ? "Show less" : `Show all ${lines.length} lines`}
        </button>
      )}
    </div>
  );
}

/** How it ran: edited before approval, under a remembered rule, sandboxed or not. */
function RunFacts({ output }: { output: RunCommandOutput }) {
  const facts = [
    output.edited && `edited from “${output.proposedCommand}”`,
    output.approval === "approved" && "approved",
    output.approval === "remembered" && "approved by a remembered rule",
    output.sandboxed ? "sandboxed" : "not sandboxed",
    output.truncated && "output cut",
  ].filter(Boolean);
  return (
    <p
      className="border-t border-zinc-200 px-3 py-1.5 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
      data-testid="run-facts"
    >
      {facts.join(" · ")}
    </p>
  );
}

/** The run_command tool call: what runs, how it ended, and its output. */
export const RunCommandToolUI: ToolCallMessagePartComponent<Args, unknown> = ({ args, result, status, isError }) => {
  const parsed = runCommandOutputSchema.safeParse(result);
  const output = parsed.success ? parsed.data : undefined;
  const running = status.type === "running" && result === undefined;
  // The approval card for this command is a separate part of the same message; while it waits, so does this call.
  const awaitingApproval = useAuiState((s) =>
    s.message.parts.some((part) => {
      if (part.type !== "data" || part.name !== ELICITATION_PART_NAME) return false;
      const card = elicitationDataSchema.safeParse(part.data);
      return card.success && card.data.command === args.command && card.data.status === "pending";
    }),
  );
  const text = output ? [output.stdout, output.stderr].filter(Boolean).join("\n") : "";
  // The turn ended (Stop, a closed tab) before the call answered: nothing failed, and nothing says it ran.
  const noResult = !running && result === undefined && !isError;
  const failure = !output && !running ? (noResult ? NO_RESULT : describeFailure(result, isError)) : undefined;

  return (
    <section
      className="overflow-hidden rounded-xl border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60"
      data-testid="run-command-card"
      aria-label="Shell command"
    >
      <header className="flex items-center gap-2 px-3 py-2">
        <span aria-hidden className="font-mono text-xs text-zinc-500">
          $
        </span>
        <code className="min-w-0 flex-1 truncate font-mono text-sm" title={args.command}>
          {output?.command ?? args.command ?? "…"}
        </code>
        {statusBadge(output, running, running && awaitingApproval, noResult)}
      </header>
      {output?.ran && <RunFacts output={output} />}
      {output && !output.ran && (
        <p className="border-t border-zinc-200 px-3 py-2 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">{output.summary}</p>
      )}
      {text && <Output text={text} />}
      {output?.ran && !text && <p className="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-500 dark:border-zinc-800">No output.</p>}
      {failure && (
        <p
          className={`border-t border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800 ${noResult ? "text-zinc-600 dark:text-zinc-400" : "text-red-700 dark:text-red-300"}`}
        >
          {failure}
        </p>
      )}
    </section>
  );
};

const NO_RESULT = "The turn ended before the command reported a result: if it had started, Stop ended it.";

function describeFailure(result: unknown, isError: boolean | undefined): string {
  if (result && typeof result === "object" && "error" in result) return `The tool failed: ${String(result.error)}`;
  return isError ? "The tool failed." : "The tool returned something this card cannot show.";
}
