"use client";

import type { DataMessagePartComponent } from "@assistant-ui/react";
import { serverNoticeSchema } from "@/lib/chat/server-notice";

/** An MCP server this reply went on without, named with the reason, so a missing tool is never a mystery. */
export const ServerNotice: DataMessagePartComponent = ({ data }) => {
  const parsed = serverNoticeSchema.safeParse(data);
  if (!parsed.success) return null;
  const { kind, serverName, reason } = parsed.data;
  const title =
    kind === "misconfigured"
      ? "Left out of mcp.json"
      : serverName
        ? `MCP server “${serverName}” is unavailable`
        : "MCP servers unavailable";
  return (
    <div
      role="status"
      data-testid="server-notice"
      data-server={serverName}
      className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
    >
      <p className="font-medium">{title}</p>
      <p className="mt-0.5 break-words">
        {reason}
        {kind === "unavailable" && (
          <span className="text-amber-800/80 dark:text-amber-300/80">
            {" "}
            This reply goes on without its tools; the next message tries again.
          </span>
        )}
      </p>
    </div>
  );
};
