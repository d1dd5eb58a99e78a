/**
 * The shapes run_command answers with: the structured output, repeated as JSON text, and whether it counts as a
 * tool failure.
 */
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { RunCommandOutput } from "../contract.ts";

export const NOT_RUN = { exitCode: null, signal: null, timedOut: false, stdout: "", stderr: "", truncated: false, durationMs: 0 };

export function toolResult(output: Omit<RunCommandOutput, "summary">, summary: string): CallToolResult {
  const structured: RunCommandOutput = { ...output, summary };
  return {
    // The spec asks tools with structured output to repeat it as JSON text for clients that read only text.
    content: [{ type: "text", text: JSON.stringify(structured) }],
    structuredContent: structured,
    // A non-zero exit is an answer, not a tool failure; only "could not even ask / could not run safely" is.
    isError: output.approval === "unavailable" || output.approval === "failed" || output.approval === "refused",
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
