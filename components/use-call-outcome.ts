"use client";

import { useAuiState } from "@assistant-ui/react";
import { useEffect, useMemo, useState } from "react";
import { RUN_COMMAND_TOOL, runCommandOutputSchema, type RunCommandOutput } from "@/mcp-server/contract";
import { elicitationStateSchema, type CallResult, type ElicitationData, type ElicitationStatus } from "@/lib/elicitation/contract";
import { apiPaths } from "@/lib/api-contract";
import { toolKey } from "@/lib/mcp/tool-names";

/**
 * What became of an accepted card's command or call, for its outcome line.
 * - A shell approval card: the result of its run_command tool part in the same message (same server, same proposed
 *   command), which says whether the command ran and what ran (the edited text, when it was edited).
 * - A tool-call card: the result the gate reported with the card.
 * When the stream ended before the card's last update could arrive (Stop aborts the stream first), the server is
 * asked once: it keeps the note (why it was cancelled) and the result with the outcome.
 */
export function useCallOutcome(data: ElicitationData, status: ElicitationStatus, streamEnded: boolean) {
  const toolName = toolKey(data.serverName, RUN_COMMAND_TOOL);
  const rawResult = useAuiState((s) => {
    if (data.command === undefined || status !== "accepted") return undefined;
    for (const part of s.message.parts) {
      if (part.type !== "tool-call" || part.toolName !== toolName || part.result === undefined) continue;
      if ((part.args as { command?: unknown }).command === data.command) return part.result;
    }
    return undefined;
  });
  const commandResult = useMemo((): RunCommandOutput | undefined => {
    const parsed = runCommandOutputSchema.safeParse(rawResult);
    return parsed.success ? parsed.data : undefined;
  }, [rawResult]);

  const [fetched, setFetched] = useState<{ note?: string; result?: CallResult }>({});
  const missed = data.status === "pending" || (data.kind === "tool-call" && status === "accepted" && !data.result);
  const ask = streamEnded && status !== "pending" && missed;
  useEffect(() => {
    if (!ask) return;
    let live = true;
    void fetch(apiPaths.elicitation(data.id))
      .then((response) => response.json())
      .then((json: unknown) => {
        const state = elicitationStateSchema.safeParse(json);
        if (live && state.success && "settled" in state.data) setFetched(state.data.settled);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [ask, data.id]);

  return { commandResult, callResult: data.result ?? fetched.result, note: data.note ?? fetched.note };
}
