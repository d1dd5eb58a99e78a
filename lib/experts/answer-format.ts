/**
 * An ask_human answer format as the form the reviewer fills (an elicitation requestedSchema), and the form's
 * content back as the answer the agent gets. Text and choice are forms too, so the inbox needs nothing new:
 * text is one required field `answer`; choice an enum field `answer`; a form is the agent's own schema, held to the
 * same rules as any MCP server's (what the card cannot render, or Ajv cannot compile, is refused before anyone sees it).
 */
import "server-only";
import { SUBMISSION_CONTENT_FIELD, type ElicitationContent, type RequestedSchema, type Submission } from "@/lib/elicitation/contract";
import { formFromSchema } from "@/lib/elicitation/form";
import { validateContent } from "@/lib/elicitation/validate";
import { COMMENT_FIELD, MAX_SUBMISSION_BYTES, type AnswerFormat, type Verdict } from "./contract";

export { COMMENT_FIELD } from "./contract";

export const ANSWER_FIELD = "answer";

const MAX_FORM_FIELDS = 20;

/** An ask_human call that cannot become a question (a form nobody could fill, a bad deadline): the tool error says why. */
export class InvalidAskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidAskError";
  }
}

const commentField = {
  type: "string",
  title: "Comment",
  description: "Anything the agent should know besides the answer (optional).",
  maxLength: 4_000,
};

/** The form a reviewer fills for this format; throws an InvalidAskError for a form nobody could fill. */
export function requestedSchemaOf(format: AnswerFormat): RequestedSchema {
  switch (format.type) {
    case "text":
      return {
        type: "object",
        properties: { [ANSWER_FIELD]: { type: "string", title: "Answer", description: "Markdown.", minLength: 1, maxLength: 20_000 } },
        required: [ANSWER_FIELD],
      };
    case "choice": {
      const options = [...new Set(format.options)];
      if (options.length < format.options.length) throw new InvalidAskError("answer.options: each option must be different.");
      return {
        type: "object",
        properties: { [ANSWER_FIELD]: { type: "string", title: "Answer", enum: options }, [COMMENT_FIELD]: commentField },
        required: [ANSWER_FIELD],
      };
    }
    case "form":
      return checkedForm(format.schema);
  }
}

/**
 * The form behind a review card: the content (shown in an editor, prefilled as submitted) and a comment. An accept
 * with the content unchanged approves it; with changes, approves the edited version. Rejecting is a decline.
 */
export function reviewSchemaOf(submission: Submission): RequestedSchema {
  // As it travels back in an answer's body (JSON-escaped): approving it unchanged must fit there.
  if (Buffer.byteLength(JSON.stringify(submission.content)) > MAX_SUBMISSION_BYTES) {
    throw new InvalidAskError(`content: at most ${MAX_SUBMISSION_BYTES / 1024} KiB.`);
  }
  if (submission.format === "json") {
    try {
      JSON.parse(submission.content);
    } catch {
      throw new InvalidAskError("content: format is json, but the content is not valid JSON.");
    }
  }
  return {
    type: "object",
    properties: {
      [SUBMISSION_CONTENT_FIELD]: { type: "string", title: "Content", default: submission.content, minLength: 1 },
      [COMMENT_FIELD]: commentField,
    },
    required: [SUBMISSION_CONTENT_FIELD],
  };
}

/** A reviewer's accept: the content as approved, whether they changed it, and their comment. */
export function reviewedOf(
  submission: Submission,
  content: ElicitationContent,
): { answer: string; verdict: Exclude<Verdict, "rejected">; comment?: string } {
  const sent = content[SUBMISSION_CONTENT_FIELD];
  const approved = typeof sent === "string" ? sent : submission.content;
  const comment = content[COMMENT_FIELD];
  return {
    answer: approved,
    verdict: approved === submission.content ? "approved" : "edited",
    ...(typeof comment === "string" && comment.trim() !== "" && { comment }),
  };
}

/**
 * What an agent's form may say, field by field: the elicitation primitives' keywords only. Anything else (a
 * `pattern`, `const`, `not`, a `$ref`) would be a rule the card never shows, checked on every keystroke and again
 * on the server: a hidden constraint, or a regular expression that takes seconds.
 */
const FIELD_KEYWORDS = new Set([
  "type",
  "title",
  "description",
  "default",
  "minLength",
  "maxLength",
  "format",
  "minimum",
  "maximum",
  "enum",
  "enumNames",
  "oneOf",
  "items",
  "minItems",
  "maxItems",
]);
const OPTION_KEYWORDS = new Set(["const", "title"]);
const ITEMS_KEYWORDS = new Set(["type", "enum", "anyOf", "oneOf"]);

function unknownKeywords(name: string, field: Record<string, unknown>): string[] {
  const found = Object.keys(field)
    .filter((key) => !FIELD_KEYWORDS.has(key))
    .map((key) => `${name}.${key}`);
  const options = [
    field.oneOf,
    (field.items as Record<string, unknown> | undefined)?.anyOf,
    (field.items as Record<string, unknown> | undefined)?.oneOf,
  ];
  for (const list of options) {
    if (!Array.isArray(list)) continue;
    for (const option of list as Record<string, unknown>[]) {
      found.push(
        ...Object.keys(option ?? {})
          .filter((key) => !OPTION_KEYWORDS.has(key))
          .map((key) => `${name}.<option>.${key}`),
      );
    }
  }
  const items = field.items;
  if (items && typeof items === "object") {
    found.push(
      ...Object.keys(items)
        .filter((key) => !ITEMS_KEYWORDS.has(key))
        .map((key) => `${name}.items.${key}`),
    );
  }
  return found;
}

function checkedForm(schema: RequestedSchema): RequestedSchema {
  const names = Object.keys(schema.properties);
  const unknown = Object.entries(schema.properties).flatMap(([name, field]) => unknownKeywords(name, field));
  if (unknown.length > 0) {
    throw new InvalidAskError(
      `answer.schema: ${unknown.join(", ")}: not an elicitation keyword (a form field takes ${[...FIELD_KEYWORDS].join(", ")}).`,
    );
  }
  if (names.length === 0) throw new InvalidAskError("answer.schema: a form needs at least one field.");
  if (names.length > MAX_FORM_FIELDS) throw new InvalidAskError(`answer.schema: at most ${MAX_FORM_FIELDS} fields.`);
  const { unsupported } = formFromSchema(schema);
  if (unsupported.length > 0) {
    throw new InvalidAskError(
      `answer.schema: ${unsupported.join(", ")}: not a field a reviewer can fill (string, number, integer, boolean, enum or multi-select).`,
    );
  }
  const missing = (schema.required ?? []).filter((name) => !names.includes(name));
  if (missing.length > 0) throw new InvalidAskError(`answer.schema: required names no field: ${missing.join(", ")}.`);
  // The schema must compile: the answer route checks every accept against it (a schema Ajv cannot read says so here).
  const broken = validateContent(schema, {}).find((error) => error.field === "" && error.message.includes("cannot be checked"));
  if (broken) throw new InvalidAskError(`answer.schema: ${broken.message}.`);
  return schema;
}

/** What the agent gets from an accepted form: the text or option for text and choice, the content for a form. */
export function answerOf(format: AnswerFormat, content: ElicitationContent): { answer: string | ElicitationContent; comment?: string } {
  if (format.type === "form") return { answer: content };
  const answer = content[ANSWER_FIELD];
  const comment = content[COMMENT_FIELD];
  return {
    answer: typeof answer === "string" ? answer : JSON.stringify(answer ?? ""),
    ...(typeof comment === "string" && comment.trim() !== "" && { comment }),
  };
}
