/**
 * Over stdio, with a real client that declines every question: none of these commands may change anything,
 * in the workspace or outside it. If the classifier let one run without asking, a canary would show it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommandOutputSchema } from "./contract.ts";
import { connectStdio } from "./testing/test-client.ts";

let workspace: string;
let outside: string;
let client: Client;

beforeAll(async () => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-declined-ws-"));
  outside = mkdtempSync(path.join(tmpdir(), "shell-declined-outside-"));
  client = await connectStdio(workspace, "decline");
});
afterAll(async () => {
  await client.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const dangerous = (out: string) => [
  "rm canary",
  "\\rm canary",
  "r''m canary",
  '"rm" -f canary',
  "env rm canary",
  "command rm canary",
  "rm -rf .",
  "rm -rf *",
  `rm -rf ${out}`,
  `rm ${out}/canary`,
  "ls; rm canary",
  "ls && rm canary",
  "ls || rm canary",
  "ls\nrm canary",
  "echo $(rm canary)",
  "echo `rm canary`",
  "echo rm canary | sh",
  "sh -c 'rm canary'",
  "bash -c 'rm canary'",
  "eval 'rm canary'",
  "find . -delete",
  "find . -name canary -exec rm {} \\;",
  "ls | xargs rm",
  "echo gone > canary",
  `echo gone > ${out}/canary`,
  `echo new > ${out}/new-file`,
  "truncate -s 0 canary",
  "mv canary moved",
  `cp canary ${out}/copy`,
  `cd ${out} && rm canary`,
  "(rm canary)",
  "{ rm canary; }",
  "for f in canary; do rm $f; done",
  "rm canary &",
  "cat <<EOF\n$(rm canary)\nEOF",
  "sed -i s/alive/gone/ canary",
  "sort -o canary canary",
  "tee canary < /dev/null",
  `python3 -c "import os; os.remove('canary')"`,
  `node -e "require('fs').unlinkSync('canary')"`,
  "/bin/rm canary",
  "rm 'canary",
  "X=canary; rm $X",
  "chmod 000 canary",
  "ln -sf /dev/null canary",
];

describe("with a client that declines everything", () => {
  it("writes the canaries", () => {
    writeFileSync(path.join(workspace, "canary"), "alive\n");
    writeFileSync(path.join(outside, "canary"), "alive\n");
  });

  it.each(dangerous("OUTSIDE"))("%j does not run", async (template) => {
    const command = template.replaceAll("OUTSIDE", outside);
    const result = await client.callTool({ name: "run_command", arguments: { command } });
    const output = runCommandOutputSchema.parse(result.structuredContent);
    expect(output.ran).toBe(false);
    expect(["declined", "denied"]).toContain(output.approval);
    expect(readFileSync(path.join(workspace, "canary"), "utf8")).toBe("alive\n");
    expect(readFileSync(path.join(outside, "canary"), "utf8")).toBe("alive\n");
    expect(readdirSync(workspace)).toEqual(["canary"]);
    expect(readdirSync(outside)).toEqual(["canary"]);
  });
});
