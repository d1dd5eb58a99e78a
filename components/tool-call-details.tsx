"use client";

import { useState } from "react";
import type { ElicitationData, ToolCallRequest } from "@/lib/elicitation/contract";
import { toolApprovalRevokeResultSchema } from "@/lib/mcp/tool-approval-contract";
import { apiPaths } from "@/lib/api-contract";

/** The server's hints, as it declared them: shown as hints, not as facts. */
function Annotations({ annotations }: { annotations?: Record<string, unknown> }) {
  const entries = Object.entries(annotations ?? {});
  return (
    <p className="flex flex-wrap items-center gap-1.5 text-xs" data-testid="tool-call-annotations">
      <span className="text-zinc-600 dark:text-zinc-400">Hints from the server:</span>
      {entries.length === 0 && <span className="text-zinc-700 dark:text-zinc-300">none</span>}
      {entries.map(([key, value]) => (
        <code key={key} className="rounded bg-zinc-200 px-1.5 py-0.5 font-mono text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
          {key}: {JSON.stringify(value)}
        </code>
      ))}
    </p>
  );
}

/** What a tool-call card asks about: the tool, its description and hints, and why the gate asks. */
export function ToolCallDetails({ toolCall }: { toolCall: ToolCallRequest }) {
  return (
    <div className="mt-3 flex flex-col gap-1.5">
      <p className="text-sm">
        Tool{" "}
        <code className="font-mono font-semibold" data-testid="tool-call-name">
          {toolCall.toolName}
        </code>
      </p>
      {toolCall.description && (
        <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="tool-call-description">
          {toolCall.description}
        </p>
      )}
      <Annotations annotations={toolCall.annotations} />
    </div>
  );
}

/** A settled tool-call card: the arguments as accepted (or as proposed), and a way to take back "always allow". */
export function ToolCallSettled({ data, toolCall }: { data: ElicitationData; toolCall: ToolCallRequest }) {
  const approved = data.approved;
  const shown = approved?.arguments ?? toolCall.arguments;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {approved?.edited ? "Arguments, as edited before approval:" : "Arguments:"}
      </p>
      <pre
        className="overflow-x-auto rounded-lg bg-zinc-900 px-3 py-2 font-mono text-xs whitespace-pre-wrap break-all text-zinc-50"
        data-testid="tool-call-arguments"
      >
        {JSON.stringify(shown, null, 2)}
      </pre>
      {approved?.remember && <RevokeAllowance data={data} toolName={toolCall.toolName} />}
    </div>
  );
}

function RevokeAllowance({ data, toolName }: { data: ElicitationData; toolName: string }) {
  const [state, setState] = useState<"allowed" | "busy" | "revoked" | "failed">("allowed");
  const revoke = async () => {
    setState("busy");
    try {
      const response = await fetch(apiPaths.toolApprovals({ threadId: data.threadId, serverName: data.serverName, toolName }), {
        method: "DELETE",
      });
      const parsed = toolApprovalRevokeResultSchema.safeParse(await response.json());
      setState(response.ok && parsed.success ? "revoked" : "failed");
    } catch {
      setState("failed");
    }
  };
  if (state === "revoked") {
    return (
      <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
        No longer allowed: the next call of {toolName} asks again.
      </p>
    );
  }
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
      Always allowed in this conversation.
      <button
        type="button"
        disabled={state === "busy"}
        onClick={() => void revoke()}
        className="rounded-md border border-zinc-300 px-2 py-1 text-xs font-semibold hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800"
      >
        Stop allowing
      </button>
      {state === "failed" && (
        <span role="alert" className="text-red-700 dark:text-red-300">
          That did not work; try again.
        </span>
      )}
    </p>
  );
}
