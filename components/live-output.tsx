"use client";

import { useAuiState, type DataMessagePartComponent } from "@assistant-ui/react";
import { liveOutputDataSchema } from "@/lib/chat/live-output";

const SHOWN_LINES = 20;

/** A running command's output as it comes; gone once the turn ends (the command card then has all of it). */
export const LiveOutput: DataMessagePartComponent = ({ data }) => {
  const running = useAuiState((s) => s.message.status?.type === "running");
  const parsed = liveOutputDataSchema.safeParse(data);
  if (!running || !parsed.success || !parsed.data.text) return null;
  const lines = parsed.data.text.replace(/\n$/, "").split("\n");
  return (
    <section
      aria-label="Live output"
      data-testid="live-output"
      className="overflow-hidden rounded-xl border border-blue-200 bg-blue-50/60 dark:border-blue-900 dark:bg-blue-950/30"
    >
      <p className="px-3 pt-2 text-xs font-medium text-blue-900 dark:text-blue-200">Live output (Stop ends the command)</p>
      <pre className="max-h-72 overflow-auto px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre">
        {(parsed.data.cut || lines.length > SHOWN_LINES ? "…\n" : "") + lines.slice(-SHOWN_LINES).join("\n")}
      </pre>
    </section>
  );
};
