import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { extractCommands, extractToolUse, OFFLINE_HELP, OfflineModel, summarizeToolOutput } from "./offline-model";

const TOOLS: LanguageModelV4CallOptions["tools"] = [{ type: "function", name: "shell_run_command", inputSchema: { type: "object" } }];

function user(text: string): LanguageModelV4CallOptions {
  return { prompt: [{ role: "user", content: [{ type: "text", text }] }], tools: TOOLS };
}

async function collect(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await new OfflineModel().doStream(options);
  const parts: LanguageModelV4StreamPart[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
  return parts;
}

const textOf = (parts: LanguageModelV4StreamPart[]) => parts.map((p) => (p.type === "text-delta" ? p.delta : "")).join("");

describe("extractCommands", () => {
  it.each([
    ["run `ls -la`", ["ls -la"]],
    ["please run `rm -rf build` now", ["rm -rf build"]],
    ["run `rm -rf a` and `rm -rf b`", ["rm -rf a", "rm -rf b"]],
    ["$ git status", ["git status"]],
    ["first line\n$ du -sh .", ["du -sh ."]],
    ["```sh\nls | wc -l\n```", ["ls | wc -l"]],
    ["what is the weather?", []],
    ["`` empty", []],
  ])("%j -> %j", (text, commands) => {
    expect(extractCommands(text)).toEqual(commands);
  });
});

describe("extractToolUse", () => {
  it.each([
    ['use `everything.echo` {"message": "hi"}', { server: "everything", tool: "echo", args: '{"message": "hi"}' }],
    ["please use `everything.trigger-elicitation-request`", { server: "everything", tool: "trigger-elicitation-request", args: "{}" }],
    ["run `ls`", undefined],
  ])("%j", (text, use) => {
    expect(extractToolUse(text)).toEqual(use);
  });
});

describe("OfflineModel", () => {
  it("calls the shell tool, whatever its server prefix, with the command", async () => {
    const parts = await collect(user("run `ls -la`"));
    const call = parts.find((p) => p.type === "tool-call");
    expect(call).toMatchObject({ toolName: "shell_run_command", input: JSON.stringify({ command: "ls -la" }) });
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "tool-calls" } });
  });

  it("calls the tool once per command, in one step", async () => {
    const parts = await collect(user("run `rm -rf a` and `rm -rf b`"));
    expect(parts.filter((p) => p.type === "tool-call").map((p) => p.type === "tool-call" && p.input)).toEqual([
      JSON.stringify({ command: "rm -rf a" }),
      JSON.stringify({ command: "rm -rf b" }),
    ]);
  });

  it("calls a named tool of any server with JSON arguments, and explains a bad one", async () => {
    const tools = [...(TOOLS ?? []), { type: "function" as const, name: "everything_echo", inputSchema: { type: "object" as const } }];
    const call = (await collect({ ...user('use `everything.echo` {"message": "hi"}'), tools })).find((p) => p.type === "tool-call");
    expect(call).toMatchObject({ toolName: "everything_echo", input: '{"message": "hi"}' });
    expect(textOf(await collect({ ...user("use `nope.echo`"), tools }))).toContain("There is no tool `nope.echo`");
    expect(textOf(await collect({ ...user("use `everything.echo` {oops}"), tools }))).toContain("not valid JSON");
  });

  it("answers with help when there is no command", async () => {
    const parts = await collect(user("hello"));
    expect(textOf(parts)).toBe(OFFLINE_HELP);
    expect(parts.some((p) => p.type === "tool-call")).toBe(false);
  });

  it("says so when a command is asked for but no shell tool is there", async () => {
    const parts = await collect({ ...user("run `ls`"), tools: [] });
    expect(textOf(parts)).toContain("No shell tool");
  });

  it("summarises the tool result after the call", async () => {
    const output = {
      command: "ls",
      proposedCommand: "ls",
      edited: false,
      sandboxed: true,
      summary: "Ran",
      ran: true,
      approval: "not_required",
      exitCode: 0,
      signal: null,
      timedOut: false,
      stdout: "a.txt\nb.txt\n",
      stderr: "",
      truncated: false,
      durationMs: 3,
    };
    const parts = await collect({
      prompt: [
        { role: "user", content: [{ type: "text", text: "run `ls`" }] },
        { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "shell_run_command", input: { command: "ls" } }] },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "c1",
              toolName: "shell_run_command",
              output: { type: "text", value: JSON.stringify(output) },
            },
          ],
        },
      ],
      tools: TOOLS,
    });
    expect(textOf(parts)).toContain("exited with code 0");
    expect(textOf(parts)).toContain("b.txt");
  });

  it("generates without streaming too", async () => {
    const result = await new OfflineModel().doGenerate(user("hi"));
    expect(result.content).toEqual([{ type: "text", text: OFFLINE_HELP }]);
  });
});

describe("summarizeToolOutput", () => {
  it("says not run when declined", () => {
    const declined = {
      command: "rm x",
      proposedCommand: "rm x",
      edited: false,
      sandboxed: false,
      summary: "",
      ran: false,
      approval: "declined",
      exitCode: null,
      signal: null,
      timedOut: false,
      stdout: "",
      stderr: "",
      truncated: false,
      durationMs: 0,
    };
    expect(summarizeToolOutput({ type: "json", value: declined })).toMatch(/^Not run: declined/);
  });

  it("reports a tool error", () => {
    expect(summarizeToolOutput({ type: "error-text", value: "connection closed" })).toBe("The tool failed: connection closed");
  });

  it("shows output it does not recognise as it is", () => {
    expect(summarizeToolOutput({ type: "text", value: "plain words" })).toContain("plain words");
  });
});
