/**
 * The offline model's side of ask_expert: a line `ask <specialty>: <question>` becomes a call of the tool, and its
 * result is told back in words (who answered, their role, the answer and comment; or that nobody answered).
 */
import "server-only";
import type { LanguageModelV4ToolResultOutput } from "@ai-sdk/provider";
import { askExpertOutputSchema, type AskExpertInput, type AskExpertOutput } from "@/lib/agent/ask-expert-contract";

/** A line starting with `ask <one word>:`; the specialty is that word. */
const ASK_LINE = /^[ \t]*ask[ \t]+([A-Za-z0-9_-]+)[ \t]*:(.*)$/im;

/**
 * The question a message asks an expert, if a line starts with `ask <specialty>:`: the rest of that line is the
 * question, and the message's other lines are its context (a clause pasted below it, say). Such a line wins over
 * commands in backticks: `ask security: is \`rm -rf x\` safe?` asks, it runs nothing.
 */
export function extractAsk(text: string): Pick<AskExpertInput, "specialty" | "question" | "context"> | undefined {
  const match = ASK_LINE.exec(text);
  if (!match?.[1]) return undefined;
  const lines = text.split("\n");
  const at = text.slice(0, match.index).split("\n").length - 1;
  const rest = [...lines.slice(0, at), ...lines.slice(at + 1)].join("\n").trim();
  const onLine = (match[2] ?? "").trim();
  // "ask legal:" with the question on the lines below.
  const question = onLine || rest;
  if (!question) return undefined;
  const context = onLine ? rest : "";
  return { specialty: match[1], question, ...(context && { context }) };
}

/** The tool's result in words, or undefined when it is not an ask_expert result. */
export function describeExpertAnswer(output: LanguageModelV4ToolResultOutput): string | undefined {
  const value: unknown = output.type === "json" ? output.value : output.type === "text" ? parseJson(output.value) : undefined;
  const parsed = askExpertOutputSchema.safeParse(value);
  return parsed.success ? describe(parsed.data) : undefined;
}

function describe(result: AskExpertOutput): string {
  const who = result.answeredBy ? `${result.answeredBy.name} (${result.answeredBy.role})` : "The expert";
  const topic = `the ${result.specialty} question`;
  switch (result.status) {
    case "answered": {
      const lines = [`${who} answered ${topic}:`, quote(result.answer ?? "")];
      if (result.comment) lines.push(`Their comment: ${result.comment}`);
      return lines.join("\n\n");
    }
    case "declined":
      return `${who} declined ${topic}${result.reasons ? `: ${result.reasons}` : ""}. There is no answer.`;
    case "expired":
      return `Nobody answered ${topic} in time${result.note ? ` (${result.note})` : ""}, so there is no answer.`;
    case "cancelled":
      return `${capitalised(topic)} was withdrawn${result.note ? ` (${result.note})` : ""} before anyone answered.`;
  }
}

/** The answer as a markdown quote: it is the expert's words, not the assistant's. */
function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => `> ${line}`.trimEnd())
    .join("\n");
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
