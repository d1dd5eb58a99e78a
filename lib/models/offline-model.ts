/**
 * The built-in offline model: a real AI SDK LanguageModel (spec v4) that needs no key and no network.
 * It turns a command in backticks, or a line starting with `$ `, into a call of the shell tool, a line
 * `ask <specialty>: <question>` into a call of ask_expert, summarises the tool's result afterwards, and answers
 * anything else with a short help text.
 */
import "server-only";
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4ToolResultOutput,
} from "@ai-sdk/provider";
import { RUN_COMMAND_TOOL, runCommandOutputSchema, type RunCommandOutput } from "@/mcp-server/contract";
import { ASK_EXPERT_TOOL } from "@/lib/agent/ask-expert-contract";
import { mcpText } from "@/lib/mcp/tool-result";
import { ASK_USAGE, describeExpertAnswer, extractAsk } from "./offline-ask";

export const OFFLINE_HELP =
  "I am the offline demo model, so I only run shell commands and ask the team. Put a command in backticks, for " +
  "example run `ls -la`, or start a line with `$ `. Commands that could change or delete something wait for your " +
  "approval first. To ask an expert on the team, start a line with ask and their specialty, e.g. " +
  "ask security: is this clause compliant? (the lines below it go along as context). To call any MCP tool, write " +
  'use `server.tool` followed by JSON arguments, e.g. use `shell.run_command` {"command": "pwd"}; a built-in tool ' +
  'by its name, e.g. use `ask_expert` {"specialty": "legal", "question": "...", "deadline": 600}. ' +
  "Set OPENAI_API_KEY (or OPENAI_BASE_URL) to chat with a real model.";

const OUTPUT_LINES = 12;
const OTHER_TOOL_LINES = 60;

/**
 * "use `server.tool` {json}": a call of any MCP tool by name, with optional JSON arguments; "use `tool` {json}"
 * names a built-in tool (ask_expert), and is only taken as such when the model is offered a tool of that name.
 */
export function extractToolUse(text: string): { server?: string; tool: string; args: string } | undefined {
  const match = /\buse\s+`(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9_-]+)`\s*(\{[\s\S]*\})?/i.exec(text);
  if (!match?.[2]) return undefined;
  return { ...(match[1] && { server: match[1] }), tool: match[2], args: match[3]?.trim() || "{}" };
}

/**
 * The commands a message asks for: a fenced block, `$ ` lines, or inline code spans. Several inline spans
 * ("run `a` and `b`") become several tool calls in one step, which the agent runs in parallel.
 */
export function extractCommands(text: string): string[] {
  const fenced = /```(?:sh|bash|shell|console)?[ \t]*\n([\s\S]*?)\n?```/.exec(text)?.[1]?.trim();
  if (fenced) return [fenced];
  const dollars = [...text.matchAll(/^\s*\$ (.+)$/gm)].map((m) => m[1]?.trim() ?? "").filter(Boolean);
  if (dollars.length) return dollars;
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]?.trim() ?? "").filter(Boolean);
}

export function summarizeToolOutput(output: LanguageModelV4ToolResultOutput): string {
  if (output.type === "error-text") return `The tool failed: ${output.value}`;
  if (output.type === "error-json") return `The tool failed: ${JSON.stringify(output.value)}`;
  if (output.type === "execution-denied") return "Not run: the tool call was denied.";
  const value: unknown = output.type === "json" ? output.value : output.type === "text" ? output.value : undefined;
  const parsed = parseRunOutput(value);
  if (parsed) return describeRun(parsed);
  const text = mcpText(value) ?? (typeof value === "string" ? value : JSON.stringify(value, null, 2));
  return `The tool returned:\n\n\`\`\`\n${clip(text, OTHER_TOOL_LINES)}\n\`\`\``;
}

function parseRunOutput(value: unknown): RunCommandOutput | undefined {
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const direct = runCommandOutputSchema.safeParse(value);
  if (direct.success) return direct.data;
  // An MCP CallToolResult whose structured part was not unwrapped.
  if (value && typeof value === "object" && "structuredContent" in value) {
    const nested = runCommandOutputSchema.safeParse(value.structuredContent);
    if (nested.success) return nested.data;
  }
  return undefined;
}

function describeRun(run: RunCommandOutput): string {
  if (!run.ran) {
    const why: Partial<Record<RunCommandOutput["approval"], string>> = {
      declined: "declined",
      cancelled: "cancelled",
      unavailable: "this client cannot ask for approval",
      failed: "the approval request failed",
    };
    const reason = why[run.approval];
    return reason ? `Not run: ${reason}. \`${run.command}\` did not run, so nothing changed.` : run.summary;
  }
  const how =
    run.approval === "approved" ? " after your approval" : run.approval === "remembered" ? " under a rule you chose to remember" : "";
  const edited = run.edited ? ` (you edited it from \`${run.proposedCommand}\`)` : "";
  const status = run.timedOut ? "timed out and was stopped" : `exited with code ${run.exitCode ?? run.signal}`;
  const lines = [`Ran \`${run.command}\`${edited}${how}: it ${status}.`];
  const shown = run.stdout.trim() || run.stderr.trim();
  lines.push(shown ? `\`\`\`\n${clip(shown)}\n\`\`\`` : "It printed nothing.");
  return lines.join("\n\n");
}

function clip(text: string, max = OUTPUT_LINES): string {
  const all = text.split("\n");
  return all.length <= max ? text : [...all.slice(0, max), `… (${all.length - max} more lines)`].join("\n");
}

function lastUserText(prompt: LanguageModelV4Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i];
    if (message?.role === "user") return message.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
  }
  return "";
}

const USAGE = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};

export class OfflineModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "elicit-chat";
  readonly modelId = "offline-demo";
  readonly supportedUrls = {};
  private calls = 0;

  /** Decides the next step: a tool call, or text. */
  respond(options: LanguageModelV4CallOptions): LanguageModelV4StreamPart[] {
    const last = options.prompt.at(-1);
    if (last?.role === "tool") {
      const results = last.content.flatMap((part) => {
        if (part.type !== "tool-result") return [];
        const answer = part.toolName === ASK_EXPERT_TOOL ? describeExpertAnswer(part.output) : undefined;
        return [answer ?? summarizeToolOutput(part.output)];
      });
      return textParts(results.join("\n\n") || "Done.");
    }
    const text = lastUserText(options.prompt);
    const ask = extractAsk(text);
    if (ask === "usage") return textParts(ASK_USAGE);
    if (ask) {
      if (!options.tools?.some((t) => t.name === ASK_EXPERT_TOOL)) return textParts("Asking an expert is not available right now.");
      return this.toolCalls([{ toolName: ASK_EXPERT_TOOL, input: JSON.stringify(ask) }]);
    }
    const use = extractToolUse(text);
    // A bare name that is no tool here ("use `pwd`") is a command in backticks, as before built-in tools.
    if (use && (use.server !== undefined || options.tools?.some((t) => t.name === use.tool))) return this.callNamedTool(options, use);
    const commands = extractCommands(text);
    const tool = options.tools?.find(
      (t) => t.type === "function" && (t.name === RUN_COMMAND_TOOL || t.name.endsWith(`_${RUN_COMMAND_TOOL}`)),
    );
    if (!commands.length) return textParts(OFFLINE_HELP);
    if (!tool) return textParts("No shell tool is available right now, so I cannot run that.");
    return this.toolCalls(commands.map((command) => ({ toolName: tool.name, input: JSON.stringify({ command }) })));
  }

  private callNamedTool(options: LanguageModelV4CallOptions, use: { server?: string; tool: string; args: string }) {
    const name = use.server === undefined ? use.tool : `${use.server}_${use.tool}`;
    const shown = use.server === undefined ? use.tool : `${use.server}.${use.tool}`;
    if (!options.tools?.some((t) => t.name === name)) {
      const known = options.tools?.map((t) => `\`${t.name === ASK_EXPERT_TOOL ? t.name : t.name.replace("_", ".")}\``).join(", ") || "none";
      return textParts(`There is no tool \`${shown}\` right now. Available: ${known}.`);
    }
    try {
      JSON.parse(use.args);
    } catch {
      return textParts(`The arguments for \`${shown}\` are not valid JSON: ${use.args}`);
    }
    return this.toolCalls([{ toolName: name, input: use.args }]);
  }

  private toolCalls(calls: Array<{ toolName: string; input: string }>): LanguageModelV4StreamPart[] {
    const parts: LanguageModelV4StreamPart[] = calls.map(({ toolName, input }) => {
      this.calls += 1;
      return { type: "tool-call", toolCallId: `offline-${Date.now().toString(36)}-${this.calls}`, toolName, input };
    });
    return [...parts, { type: "finish", finishReason: { unified: "tool-calls", raw: undefined }, usage: USAGE }];
  }

  async doStream(options: LanguageModelV4CallOptions) {
    const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }, ...this.respond(options)];
    return {
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    };
  }

  async doGenerate(options: LanguageModelV4CallOptions) {
    const parts = this.respond(options);
    const text = parts.map((part) => (part.type === "text-delta" ? part.delta : "")).join("");
    const content = [...parts.filter((part) => part.type === "tool-call"), ...(text ? [{ type: "text" as const, text }] : [])];
    const finish = parts.find((part) => part.type === "finish");
    return {
      content,
      finishReason: finish?.type === "finish" ? finish.finishReason : { unified: "stop" as const, raw: undefined },
      usage: USAGE,
      warnings: [],
    };
  }
}

/** Text split into line-sized deltas: it streams like a real model's without a write per word. */
function textParts(text: string): LanguageModelV4StreamPart[] {
  const id = "text-0";
  const deltas = text.match(/[^\n]*\n|[^\n]+$/g) ?? [text];
  return [
    { type: "text-start", id },
    ...deltas.map((delta): LanguageModelV4StreamPart => ({ type: "text-delta", id, delta })),
    { type: "text-end", id },
    { type: "finish", finishReason: { unified: "stop", raw: undefined }, usage: USAGE },
  ];
}
