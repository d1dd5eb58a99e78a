import { z } from "zod";

/**
 * A long command's output as it comes, carried from the shell server's progress notifications into the chat as
 * one data part per turn, updated in place (same id) at most ten times a second.
 */
export const LIVE_OUTPUT_PART_NAME = "command-output";
export const LIVE_OUTPUT_PART_TYPE = `data-${LIVE_OUTPUT_PART_NAME}` as const;
export const liveOutputDataSchema = z.object({ text: z.string(), cut: z.boolean() });
export type LiveOutputData = z.infer<typeof liveOutputDataSchema>;

const KEEP_CHARS = 4_000;
const EVERY_MS = 100;

/** Collects output text and calls `flush` with the tail, throttled; `reset` starts over for the next command. */
export function liveOutputCollector(flush: (data: LiveOutputData) => void): { add: (text: string) => void; reset: () => void } {
  let buffer = "";
  let cut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reset = () => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer) flush({ text: "", cut: false });
    buffer = "";
    cut = false;
  };
  const add = (text: string) => {
    buffer += text;
    if (buffer.length > KEEP_CHARS) {
      buffer = buffer.slice(-KEEP_CHARS);
      cut = true;
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      flush({ text: buffer, cut });
    }, EVERY_MS);
  };
  return { add, reset };
}
