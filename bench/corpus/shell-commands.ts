/**
 * What figure 6 times the shell policy over: the built-in policy's test cases (mcp-server/policy-cases.ts).
 */
import { ALLOWED_CASES, ASKED_CASES, WORKSPACE } from "../../mcp-server/policy-cases.ts";

export { WORKSPACE };

export const POLICY_CORPUS: readonly string[] = [...ALLOWED_CASES, ...ASKED_CASES.map(([command]) => command)];

/** The test suite's pathological input: 50,000 characters, timed separately. */
export const LONG_COMMAND = `ls ${"a".repeat(50_000)} && rm x`;
