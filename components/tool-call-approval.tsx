"use client";

import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from "react";
import type { ElicitationData, ToolCallRequest } from "@/lib/elicitation/contract";
import { sameJson } from "@/lib/elicitation/settlement";
import type { FieldError } from "@/lib/elicitation/validate";
import { AnswerButtons } from "./answer-buttons";
import type { useElicitationAnswer } from "./use-elicitation-answer";

type Validate = (schema: Record<string, unknown>, args: Record<string, unknown>) => FieldError[];
type Answer = ReturnType<typeof useElicitationAnswer>;

/** Ajv loads with the first card that needs it (the same lazy module the forms use), not with the page. */
function useArgumentsValidator(): Validate | undefined {
  const [validate, setValidate] = useState<Validate>();
  useEffect(() => {
    let live = true;
    void import("@/lib/elicitation/validate").then((module) => live && setValidate(() => module.validateArguments));
    return () => {
      live = false;
    };
  }, []);
  return validate;
}

/** The text as a JSON object, or why it is not one. */
function parseArguments(text: string): { value: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `are not valid JSON (${error instanceof Error ? error.message : "cannot be read"})` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { problem: "must be a JSON object" };
  return { value: value as Record<string, unknown> };
}

function useArgumentsEditor(toolCall: ToolCallRequest) {
  const original = useMemo(() => JSON.stringify(toolCall.arguments, null, 2), [toolCall.arguments]);
  const [text, setText] = useState(original);
  const validate = useArgumentsValidator();
  const parsed = useMemo(() => parseArguments(text), [text]);
  const errors = useMemo((): FieldError[] => {
    if ("problem" in parsed) return [{ field: "", message: parsed.problem }];
    return validate ? validate(toolCall.inputSchema, parsed.value) : [{ field: "", message: "are being checked…" }];
  }, [parsed, validate, toolCall.inputSchema]);
  const edited = "value" in parsed && !sameJson(parsed.value, toolCall.arguments);
  return { text, setText, errors, valid: errors.length === 0, edited, value: "value" in parsed ? parsed.value : undefined };
}

/** A tool-call card while it waits: the arguments as editable JSON, checked live, and the three answers. */
export function ToolCallApproval({
  data,
  toolCall,
  answer,
  children,
}: {
  data: ElicitationData;
  toolCall: ToolCallRequest;
  answer: Answer;
  /** Shown beside the buttons (the countdown). */
  children?: ReactNode;
}) {
  const editor = useArgumentsEditor(toolCall);
  const [remember, setRemember] = useState(false);
  const id = useId();
  const serverErrors = Object.entries(answer.fieldErrors ?? {}).map(([field, message]) => ({ field, message }));
  const errors = editor.valid ? serverErrors : editor.errors;
  const accept = (event: FormEvent) => {
    event.preventDefault();
    if (!editor.valid || !editor.value) return;
    // Unedited arguments are not sent back: the server calls with exactly what the card showed.
    void answer.send({ action: "accept", ...(editor.edited && { arguments: editor.value }), ...(remember && { remember: true }) });
  };
  const lines = editor.text.split("\n").length;
  return (
    <form onSubmit={accept} noValidate className="flex flex-col gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-args`} className="text-sm font-medium">
          Arguments (JSON){editor.edited && <span className="ml-2 text-xs font-normal text-amber-800 dark:text-amber-300">edited</span>}
        </label>
        <textarea
          id={`${id}-args`}
          data-testid="tool-call-arguments-editor"
          value={editor.text}
          onChange={(event) => editor.setText(event.target.value)}
          disabled={answer.busy}
          rows={Math.min(Math.max(lines, 3), 16)}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={errors.length > 0 || undefined}
          aria-describedby={errors.length ? `${id}-errors` : undefined}
          className="w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono text-xs text-zinc-900 outline-none focus:border-amber-600 focus:ring-2 focus:ring-amber-500/30 aria-[invalid=true]:border-red-500 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100"
        />
        {errors.length > 0 && (
          <ul id={`${id}-errors`} data-testid="tool-call-errors" className="text-xs font-medium text-red-700 dark:text-red-300">
            {errors.map((e) => (
              <li key={`${e.field}:${e.message}`}>{e.field ? `${e.field} ${e.message}` : `The arguments ${e.message}`}</li>
            ))}
          </ul>
        )}
      </div>
      {toolCall.rememberable && (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={remember}
            disabled={answer.busy}
            onChange={(e) => setRemember(e.target.checked)}
            className="size-4 accent-amber-600"
          />
          Always allow <code className="font-mono">{toolCall.toolName}</code> from {data.serverName} in this conversation
        </label>
      )}
      <AnswerButtons busy={answer.busy} canAccept={editor.valid} onAnswer={(action) => void answer.send({ action })}>
        {children}
      </AnswerButtons>
    </form>
  );
}
