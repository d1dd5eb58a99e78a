import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { ASK_EXPERT_TOOL } from "@/lib/agent/ask-expert-contract";
import { describeExpertAnswer, extractAsk } from "./offline-ask";
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
    [
      'use `ask_expert` {"specialty": "legal", "question": "ok?"}',
      { tool: "ask_expert", args: '{"specialty": "legal", "question": "ok?"}' },
    ],
    ["please use `pwd`", { tool: "pwd", args: "{}" }],
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

describe("asking an expert", () => {
  const ASK_TOOLS = [...(TOOLS ?? []), { type: "function" as const, name: ASK_EXPERT_TOOL, inputSchema: { type: "object" as const } }];
  const ask = (text: string) => ({ ...user(text), tools: ASK_TOOLS });
  const callOf = async (text: string) => (await collect(ask(text))).find((p) => p.type === "tool-call");

  it.each([
    ["ask security: is this clause ok?", { specialty: "security", question: "is this clause ok?" }],
    ["  Ask legal-team : may we keep logs for 10 years?", { specialty: "legal-team", question: "may we keep logs for 10 years?" }],
    [
      "ask legal: is clause 7 ok?\nClause 7: data kept for 10 years.",
      { specialty: "legal", question: "is clause 7 ok?", context: "Clause 7: data kept for 10 years." },
    ],
    ["ask finance:\nCan we book this in Q3?", { specialty: "finance", question: "Can we book this in Q3?" }],
    ["ask security: run `rm -rf x`", { specialty: "security", question: "run `rm -rf x`" }],
  ])("%j -> %j", (text, expected) => {
    expect(extractAsk(text)).toEqual(expected);
  });

  it.each(["please ask security: ok?", "run `ls`", "task x: y", "Hi team,\nAsk Alice: she knows the figures.\nrun `ls`"])(
    "%j is no ask",
    (text) => {
      expect(extractAsk(text)).toBeUndefined();
    },
  );

  it.each([
    "ask security:",
    "ask the security team: ok?",
    "ask data science: is `rm -rf build` safe?",
    "ask sécurité: ok?",
    "ask security - ok?",
  ])("%j is meant as an ask but is not one: usage, and nothing runs", async (text) => {
    expect(extractAsk(text)).toBe("usage");
    const parts = await collect(ask(text));
    expect(parts.some((part) => part.type === "tool-call")).toBe(false);
    expect(JSON.stringify(parts)).toContain("start the message with `ask <specialty>:`");
  });

  it("calls ask_expert with the specialty and question; the ask line wins over commands in it", async () => {
    expect(await callOf("ask security: is this clause ok?")).toMatchObject({
      toolName: ASK_EXPERT_TOOL,
      input: JSON.stringify({ specialty: "security", question: "is this clause ok?" }),
    });
    const call = await callOf("ask security: run `rm -rf x`");
    expect(call).toMatchObject({ toolName: ASK_EXPERT_TOOL });
    expect(call?.type === "tool-call" && JSON.parse(call.input)).toEqual({ specialty: "security", question: "run `rm -rf x`" });
  });

  it("keeps the other patterns: backticks, `$ ` lines, use `server.tool`, and a bare name that is no tool", async () => {
    expect(await callOf("run `ls -la`")).toMatchObject({ toolName: "shell_run_command" });
    expect(await callOf("$ git status")).toMatchObject({ toolName: "shell_run_command", input: JSON.stringify({ command: "git status" }) });
    expect(await callOf("please use `pwd`")).toMatchObject({ toolName: "shell_run_command", input: JSON.stringify({ command: "pwd" }) });
    expect(await callOf('use `ask_expert` {"specialty": "legal", "question": "ok?", "deadline": 2}')).toMatchObject({
      toolName: ASK_EXPERT_TOOL,
      input: '{"specialty": "legal", "question": "ok?", "deadline": 2}',
    });
  });

  it("says so when the tool is not offered", async () => {
    expect(textOf(await collect(user("ask security: ok?")))).toContain("not available");
  });

  it("mentions asking in its help", () => {
    expect(OFFLINE_HELP).toContain("ask security:");
  });

  const afterResult = async (output: Record<string, unknown>) =>
    textOf(
      await collect({
        prompt: [
          { role: "user", content: [{ type: "text", text: "ask security: ok?" }] },
          { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: ASK_EXPERT_TOOL, input: {} }] },
          {
            role: "tool",
            content: [
              { type: "tool-result", toolCallId: "c1", toolName: ASK_EXPERT_TOOL, output: { type: "json", value: output as never } },
            ],
          },
        ],
        tools: ASK_TOOLS,
      }),
    );

  it("tells who answered, their role, the answer and the comment", async () => {
    const text = await afterResult({
      id: "q1",
      specialty: "security",
      status: "answered",
      answer: "Yes, with **TLS 1.3** only.\nNo exceptions.",
      answeredBy: { name: "bob", role: "reviewer" },
      answeredAt: "2026-01-01T10:00:00.000Z",
      comment: "Checked against policy 4.2",
    });
    expect(text).toContain("bob (reviewer) answered the security question:");
    expect(text).toContain("> Yes, with **TLS 1.3** only.\n> No exceptions.");
    expect(text).toContain("Their comment: Checked against policy 4.2");
  });

  it("says nobody answered when it expired, and never gives an answer", async () => {
    const text = await afterResult({ id: "q1", specialty: "security", status: "expired", note: "nobody answered in time" });
    expect(text).toBe("Nobody answered the security question in time (nobody answered in time), so there is no answer.");
  });

  it("says who declined, with their reasons, and that it was withdrawn when cancelled", async () => {
    const declined = {
      id: "q1",
      specialty: "legal",
      status: "declined",
      answeredBy: { name: "carol", role: "reviewer" },
      reasons: "ask finance",
    };
    expect(await afterResult(declined)).toBe("carol (reviewer) declined the legal question: ask finance. There is no answer.");
    const cancelled = { id: "q1", specialty: "legal", status: "cancelled", note: "the agent withdrew the question" };
    expect(await afterResult(cancelled)).toBe("The legal question was withdrawn (the agent withdrew the question) before anyone answered.");
  });

  it("summarises a result it does not recognise as any other tool's", () => {
    expect(describeExpertAnswer({ type: "json", value: { something: "else" } })).toBeUndefined();
  });
});
