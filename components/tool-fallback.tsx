"use client";

import { useAuiState, type ToolCallMessagePartComponent } from "@assistant-ui/react";
import { mcpText } from "@/lib/mcp/tool-result";

/** The gate's answer when it did not call the tool starts this way (lib/mcp/tool-approval.ts). */
const NOT_RUN = /^Not run:/;

/** Any other tool: its name, arguments and result, folded; whether it waits for approval or was not run at all. */
export const ToolFallback: ToolCallMessagePartComponent = ({ toolCallId, toolName, argsText, result, status, isError }) => {
  // The gate's card for this very call (matched by the tool call's id) is a separate part of the same message.
  const awaitingApproval = useAuiState((s) =>
    s.message.parts.some((part) => {
      if (part.type !== "data" || part.name !== "elicitation") return false;
      const data = part.data as { status?: string; toolCall?: { toolCallId?: string } } | undefined;
      return data?.status === "pending" && data.toolCall?.toolCallId === toolCallId;
    }),
  );
  const text =
    result === undefined ? undefined : typeof result === "string" ? result : (mcpText(result) ?? JSON.stringify(result, null, 2));
  // An MCP tool reports its own failure in the result (isError), not as a failed call.
  const failed = isError || (!!result && typeof result === "object" && (result as { isError?: unknown }).isError === true);
  const label =
    status.type === "running"
      ? awaitingApproval
        ? "waiting for approval"
        : "running…"
      : failed && text && NOT_RUN.test(text)
        ? "not run"
        : failed
          ? "failed"
          : result === undefined
            ? "no result"
            : "done";
  return (
    <details
      className="rounded-xl border border-zinc-200 bg-zinc-50 text-sm dark:border-zinc-800 dark:bg-zinc-900/60"
      data-testid="tool-card"
      data-tool={toolName}
    >
      <summary className="cursor-pointer px-3 py-2">
        <span className="font-mono">{toolName}</span>{" "}
        <span className="text-zinc-500" data-testid="tool-card-status">
          {label}
        </span>
      </summary>
      <pre className="overflow-auto border-t border-zinc-200 px-3 py-2 font-mono text-xs dark:border-zinc-800">{argsText}</pre>
      {text !== undefined && (
        <pre className="overflow-auto border-t border-zinc-200 px-3 py-2 font-mono text-xs dark:border-zinc-800">{text}</pre>
      )}
    </details>
  );
};
