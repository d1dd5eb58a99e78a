/**
 * The offline model's side of ask_expert: a line `ask <specialty>: <question>` becomes a call of the tool, and its
 * result is told back in words (who answered, their role, the answer and comment; or that nobody answered).
 */
import "server-only";
import type { LanguageModelV4ToolResultOutput } from "@ai-sdk/provider";
import { askExpertOutputSchema, type AskExpertInput, type AskExpertOutput } from "@/lib/agent/ask-expert-contract";

/** A first line `ask <one word>:`; the specialty is that word. */
const ASK_LINE = /^[ \t]*ask[ \t]+([A-Za-z0-9_-]+)[ \t]*:(.*)$/i;
/** A first line that starts with "ask": meant as one, even when it does not parse. */
const ASK_WORD = /^[ \t]*ask\b/i;

export const ASK_USAGE =
  "To ask an expert, start the message with `ask <specialty>:` and the question, e.g. `ask security: is this clause " +
  "compliant?` (the specialty is one word; lines below go along as context). Nothing was run.";

/**
 * The question a message asks an expert, if its first line is `ask <specialty>: …`: the rest of that line is the
 * question (or, when empty, the lines below), and the lines below are its context (a clause pasted there, say).
 * Only the first line counts: "Ask Alice: she knows" inside a pasted email asks nobody. Such a message never runs
 * commands in backticks: `ask security: is \`rm -rf x\` safe?` asks, and runs nothing.
 */
export function extractAsk(text: string): Pick<AskExpertInput, "specialty" | "question" | "context"> | "usage" | undefined {
  const lines = text.trim().split("\n");
  const first = lines[0] ?? "";
  const match = ASK_LINE.exec(first);
  if (!match?.[1]) return ASK_WORD.test(first) ? "usage" : undefined;
  const rest = lines.slice(1).join("\n").trim();
  const onLine = (match[2] ?? "").trim();
  // "ask legal:" with the question on the lines below.
  const question = onLine || rest;
  if (!question) return "usage";
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
