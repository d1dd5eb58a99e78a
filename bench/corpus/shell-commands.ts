/**
 * What figure 6 times the shell policy over: the built-in policy's test cases (mcp-server/testing/policy-cases.ts and
 * policy-attack-cases.ts), against the same fixture workspace the tests use, so path resolution and pattern
 * expansion do their real work (symlinks, option-named files, patterns that reach outside).
 */
import { attackCases } from "../../mcp-server/testing/policy-attack-cases.ts";
import { ASKED_CASES, allowedCases } from "../../mcp-server/testing/policy-cases.ts";

export { createPolicyWorkspace } from "../../mcp-server/testing/policy-fixture.ts";

export function policyCorpus(workspace: string): string[] {
  const asked = Object.values({ ...ASKED_CASES, ...attackCases(workspace) }).flatMap((cases) => cases.map(([command]) => command));
  return [...allowedCases(workspace), ...asked];
}

/** The test suite's pathological input: 50,000 characters, timed separately. */
export const LONG_COMMAND = `ls ${"a".repeat(50_000)} && rm x`;
