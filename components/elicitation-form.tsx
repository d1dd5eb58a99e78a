"use client";

import { useId, useState } from "react";
import { MarkdownPreview } from "./markdown-preview";
import type { Field, FormValue, FormValues } from "@/lib/elicitation/form";

const INPUT_TYPE = { email: "email", uri: "url", date: "date", "date-time": "datetime-local" } as const;
const inputClass =
  "w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 outline-none focus:border-amber-600 focus:ring-2 focus:ring-amber-500/30 aria-[invalid=true]:border-red-500 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100";

interface FieldProps {
  field: Field;
  value: FormValue;
  error?: string;
  disabled: boolean;
  onChange: (value: FormValue) => void;
}

/** Long free text (an expert's answer): written in a text area, read back as the markdown it will be shown as. */
function LongText({
  field,
  value,
  onChange,
  ...common
}: {
  field: Field;
  value: string;
  onChange: (value: FormValue) => void;
  id: string;
  disabled: boolean;
}) {
  const [preview, setPreview] = useState(false);
  return (
    <div className="flex flex-col gap-1">
      {preview ? (
        <MarkdownPreview text={value || "*Nothing written yet.*"} testId="answer-preview" />
      ) : (
        <textarea
          {...common}
          value={value}
          rows={5}
          maxLength={field.kind === "text" ? field.maxLength : undefined}
          onChange={(e) => onChange(e.target.value)}
          className={inputClass}
        />
      )}
      <button
        type="button"
        onClick={() => setPreview(!preview)}
        aria-pressed={preview}
        className="self-start text-xs font-medium text-amber-800 hover:underline dark:text-amber-300"
      >
        {preview ? "Edit" : "Preview markdown"}
      </button>
    </div>
  );
}

function FieldInput({ field, value, error, disabled, onChange, id, describedBy }: FieldProps & { id: string; describedBy?: string }) {
  const common = {
    id,
    disabled,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required,
  };
  switch (field.kind) {
    case "boolean":
      return (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
          className="size-4 accent-amber-600"
        />
      );
    case "select":
      return (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)} className={inputClass}>
          <option value="">{field.required ? "Choose…" : "(none)"}</option>
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
    case "multiselect": {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <div className="flex flex-wrap gap-x-4 gap-y-1" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
          {field.options.map((o) => (
            <label key={o.value} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                disabled={disabled}
                checked={chosen.includes(o.value)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value))}
                className="size-4 accent-amber-600"
              />
              {o.label}
            </label>
          ))}
        </div>
      );
    }
    case "number":
      return (
        <input
          {...common}
          type="number"
          inputMode={field.integer ? "numeric" : "decimal"}
          step={field.integer ? 1 : "any"}
          min={field.minimum}
          max={field.maximum}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
          className={inputClass}
        />
      );
    case "text":
      if (field.multiline) return <LongText {...common} field={field} value={String(value)} onChange={onChange} />;
      return (
        <input
          {...common}
          type={field.format ? INPUT_TYPE[field.format] : "text"}
          value={String(value)}
          maxLength={field.maxLength}
          onChange={(e) => onChange(e.target.value)}
          className={inputClass}
          autoComplete="off"
          spellCheck={false}
        />
      );
  }
}

function FormField(props: FieldProps) {
  const id = useId();
  const { field, error } = props;
  const describedBy = [field.description && `${id}-desc`, error && `${id}-err`].filter(Boolean).join(" ") || undefined;
  const label = (
    <span id={`${id}-label`} className="text-sm font-medium">
      {field.label}
      {field.required && (
        <span className="text-red-600" aria-hidden>
          {" "}
          *
        </span>
      )}
    </span>
  );
  return (
    <div className="flex flex-col gap-1" data-field={field.name}>
      {field.kind === "boolean" ? (
        <label htmlFor={id} className="flex items-center gap-2">
          <FieldInput {...props} id={id} describedBy={describedBy} />
          {label}
        </label>
      ) : field.kind === "multiselect" ? (
        <>
          {label}
          <FieldInput {...props} id={id} describedBy={describedBy} />
        </>
      ) : (
        <>
          <label htmlFor={id}>{label}</label>
          <FieldInput {...props} id={id} describedBy={describedBy} />
        </>
      )}
      {field.description && (
        <p id={`${id}-desc`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {field.description}
        </p>
      )}
      {error && (
        <p id={`${id}-err`} className="text-xs font-medium text-red-700 dark:text-red-300">
          {field.label} {error}
        </p>
      )}
    </div>
  );
}

interface ElicitationFormProps {
  fields: Field[];
  values: FormValues;
  /** Per-field messages, already filtered to what the person has touched (or everything after a submit try). */
  errors: Record<string, string>;
  disabled: boolean;
  onChange: (name: string, value: FormValue) => void;
}

/** The request's fields, every one reviewable and editable before anything is sent (a spec MUST). */
export function ElicitationForm({ fields, values, errors, disabled, onChange }: ElicitationFormProps) {
  return (
    <div className="flex flex-col gap-3">
      {fields.map((field) => (
        <FormField
          key={field.name}
          field={field}
          value={values[field.name] ?? ""}
          error={errors[field.name]}
          disabled={disabled}
          onChange={(value) => onChange(field.name, value)}
        />
      ))}
    </div>
  );
}
