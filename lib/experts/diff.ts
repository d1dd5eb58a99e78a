import "server-only";
import { createTwoFilesPatch } from "diff";

/** Longer than this, a diff is given up for a plain replacement: an edit must not stall the server (one thread). */
const DIFF_TIMEOUT_MS = 100;

/**
 * A unified diff from what was submitted to what the reviewer approved: what an agent shows or applies. Computed
 * once, when the review settles. Two texts too different to diff in time give every old line removed and every new
 * one added: still a correct patch.
 */
export function unifiedDiff(submitted: string, approved: string): string {
  const patch = createTwoFilesPatch("submitted", "approved", submitted, approved, undefined, undefined, {
    context: 3,
    timeout: DIFF_TIMEOUT_MS,
  });
  return patch ?? replacement(submitted, approved);
}

/** Every old line removed, every new one added. */
export function replacement(submitted: string, approved: string): string {
  return [
    "===================================================================",
    "--- submitted",
    "+++ approved",
    `@@ -${range(submitted)} +${range(approved)} @@`,
    ...side("-", submitted),
    ...side("+", approved),
    "",
  ].join("\n");
}

function linesOf(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

/** A hunk's range: `start,count`, where an empty side starts at 0. */
function range(text: string): string {
  const count = linesOf(text).length;
  return `${count === 0 ? 0 : 1},${count}`;
}

function side(sign: "-" | "+", text: string): string[] {
  const lines = linesOf(text).map((line) => `${sign}${line}`);
  return text === "" || text.endsWith("\n") ? lines : [...lines, "\\ No newline at end of file"];
}
