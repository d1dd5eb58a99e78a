"use client";

import type { ToolCallMessagePartComponent } from "@assistant-ui/react";
import { mcpText } from "@/lib/mcp/tool-result";

/** Any other tool: its name, arguments and result, folded. */
export const ToolFallback: ToolCallMessagePartComponent = ({ toolName, argsText, result, status, isError }) => (
  <details className="rounded-xl border border-zinc-200 bg-zinc-50 text-sm dark:border-zinc-800 dark:bg-zinc-900/60">
    <summary className="cursor-pointer px-3 py-2">
      <span className="font-mono">{toolName}</span>{" "}
      <span className="text-zinc-500">{status.type === "running" ? "running…" : isError ? "failed" : "done"}</span>
    </summary>
    <pre className="overflow-auto border-t border-zinc-200 px-3 py-2 font-mono text-xs dark:border-zinc-800">{argsText}</pre>
    {result !== undefined && (
      <pre className="overflow-auto border-t border-zinc-200 px-3 py-2 font-mono text-xs dark:border-zinc-800">
        {typeof result === "string" ? result : (mcpText(result) ?? JSON.stringify(result, null, 2))}
      </pre>
    )}
  </details>
);
