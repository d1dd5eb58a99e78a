import "server-only";
import { createTwoFilesPatch } from "diff";

/** A unified diff from what was submitted to what the reviewer approved: what an agent shows or applies. */
export function unifiedDiff(submitted: string, approved: string): string {
  return createTwoFilesPatch("submitted", "approved", submitted, approved, undefined, undefined, { context: 3 });
}
