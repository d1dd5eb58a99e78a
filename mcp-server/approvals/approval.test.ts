/**
 * Edit before approve, remembered approvals, deny rules, live output and cancellation, through a real client.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { processRunning } from "../testing/processes.ts";
import { closeConnections, connectInMemory, type Answer } from "../testing/test-client.ts";

let workspace: string;
let policyFile: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-approval-"));
  mkdirSync(path.join(workspace, "build"));
  policyFile = path.join(workspace, "..", `${path.basename(workspace)}-policy.json`);
  writeFileSync(policyFile, JSON.stringify({ deny: ["git push --force", "shutdown"], allow: ["touch"] }));
});
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(policyFile, { force: true });
});
afterEach(closeConnections);

const connect = (answer?: Answer) => connectInMemory({ WORKSPACE_DIR: workspace, SHELL_POLICY: policyFile }, answer);
const accept =
  (content: Record<string, string> = {}): Answer =>
  () => ({ action: "accept", content });

describe("the approval form", () => {
  it("offers the command as an editable field and a titled remember choice", async () => {
    const { run, asked, close } = await connect(accept());
    await run("mkdir -p out");
    const schema = asked[0]?.params.mode !== "url" ? asked[0]?.params.requestedSchema : undefined;
    expect(schema?.properties.command).toMatchObject({ type: "string", title: "Command", default: "mkdir -p out" });
    expect(schema?.properties.remember).toMatchObject({
      type: "string",
      default: "once",
      oneOf: [
        { const: "once", title: "This time only" },
        { const: "command", title: "This exact command, in this conversation" },
        { const: "prefix", title: 'Commands starting with "mkdir", in this conversation' },
      ],
    });
    await close();
  });

  it("runs exactly the edited command and says it was edited", async () => {
    const { run, close } = await connect(accept({ command: "rm -rf build && echo edited > note.txt" }));
    const output = await run("rm -rf /");
    expect(output).toMatchObject({
      ran: true,
      edited: true,
      proposedCommand: "rm -rf /",
      command: "rm -rf build && echo edited > note.txt",
    });
    expect(existsSync(path.join(workspace, "build"))).toBe(false);
    expect(readFileSync(path.join(workspace, "note.txt"), "utf8")).toBe("edited\n");
    await close();
  });

  it("refuses an edited command that a deny rule forbids", async () => {
    const { run, close } = await connect(accept({ command: "echo hi > x; shutdown now" }));
    const output = await run("rm -rf build");
    expect(output).toMatchObject({ ran: false, edited: true, approval: "denied", command: "echo hi > x; shutdown now" });
    expect(existsSync(path.join(workspace, "build"))).toBe(true);
    await close();
  });

  it("runs the proposed command when the answer carries no fields", async () => {
    const { run, close } = await connect(accept());
    expect(await run("rm -rf build")).toMatchObject({ ran: true, edited: false, command: "rm -rf build", approval: "approved" });
    await close();
  });

  it("refuses a denied command without asking", async () => {
    const { run, asked, close } = await connect(accept());
    const output = await run("ls && git push --force origin main");
    expect(output).toMatchObject({ ran: false, approval: "denied" });
    expect(output.summary).toContain('"git push --force"');
    expect(asked).toHaveLength(0);
    await close();
  });

  it("runs a command the policy file allows without asking", async () => {
    const { run, asked, close } = await connect(accept());
    expect(await run("touch made")).toMatchObject({ ran: true, approval: "not_required" });
    expect(existsSync(path.join(workspace, "made"))).toBe(true);
    expect(asked).toHaveLength(0);
    await close();
  });
});

describe("remembered approvals", () => {
  it("remembers an exact command for the session, lists it, and asks again once revoked", async () => {
    const { run, asked, listRules, revokeRule, close } = await connect(accept({ remember: "command" }));
    expect(await run("mkdir -p out")).toMatchObject({ approval: "approved" });
    expect(await run("mkdir -p out")).toMatchObject({ ran: true, approval: "remembered" });
    expect(asked).toHaveLength(1);
    await run("mkdir -p other");
    expect(asked).toHaveLength(2);

    const rules = await listRules();
    expect(rules.map((r) => [r.kind, r.pattern])).toEqual([
      ["command", "mkdir -p out"],
      ["command", "mkdir -p other"],
    ]);
    expect((await revokeRule(rules[0]!.id)).isError).toBeFalsy();
    expect((await revokeRule("no-such-id")).isError).toBe(true);
    await run("mkdir -p out");
    expect(asked).toHaveLength(3);
    await close();
  });

  it("remembers a prefix, but never for hidden expansions, and never in a new session", async () => {
    const first = await connect(accept({ remember: "prefix" }));
    await first.run("mkdir a");
    expect(await first.run("mkdir -p b/c")).toMatchObject({ ran: true, approval: "remembered" });
    expect(first.asked).toHaveLength(1);
    await first.run("mkdir $(echo d)");
    expect(first.asked).toHaveLength(2);
    await first.close();

    const second = await connect(accept());
    await second.run("mkdir e");
    expect(second.asked).toHaveLength(1);
    expect(await second.listRules()).toEqual([]);
    await second.close();
  });

  it("never lets a remembered rule override a deny rule", async () => {
    const { run, close } = await connect(accept({ remember: "prefix" }));
    await run("git push origin");
    expect(await run("git push --force")).toMatchObject({ ran: false, approval: "denied" });
    await close();
  });
});

describe("while a command runs", () => {
  it("streams its output as progress notifications", async () => {
    const { run, close } = await connect(accept());
    const messages: string[] = [];
    const progress: number[] = [];
    const output = await run("echo first; sleep 0.3; echo second", {
      onprogress: (p) => {
        messages.push(p.message ?? "");
        progress.push(p.progress);
      },
    });
    expect(output.stdout).toBe("first\nsecond\n");
    expect(messages.join("")).toBe("first\nsecond\n");
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await close();
  });

  it("kills the process group when the tool call is cancelled", async () => {
    const { run, close } = await connect(accept());
    const controller = new AbortController();
    // A sleep no other test runs, so its processes can be told apart in /proc.
    const running = run("touch started; sleep 7.31; touch late", { signal: controller.signal });
    await vi.waitFor(() => expect(existsSync(path.join(workspace, "started"))).toBe(true), { timeout: 10_000, interval: 20 });
    controller.abort();
    await expect(running).rejects.toThrow();
    // Once none of its processes is left, nothing can touch `late` any more (had the kill failed, this waits for
    // the sleep to end, and `late` exists).
    await vi.waitFor(() => expect(processRunning("sleep 7.31")).toBe(false), { timeout: 15_000, interval: 20 });
    expect(existsSync(path.join(workspace, "late"))).toBe(false);
    await close();
  });
});
