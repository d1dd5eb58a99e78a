/**
 * Turns an MCP form elicitation's `requestedSchema` (2025-11-25: a flat object of primitive properties) into
 * field descriptions the card renders, and the card's raw input values back into typed content.
 * Shared by the browser (rendering) and the tests; validation itself is Ajv's job (validate.ts).
 */
import type { ElicitationContent, RequestedSchema } from "@/lib/elicitation/contract";

export interface Option {
  value: string;
  label: string;
}

interface FieldBase {
  name: string;
  label: string;
  description?: string;
  required: boolean;
}

export type Field =
  | (FieldBase & {
      kind: "text";
      format?: "email" | "uri" | "date" | "date-time";
      /** Free text longer than a line fits (maxLength over LONG_TEXT): a text area, with a markdown preview. */
      multiline?: boolean;
      minLength?: number;
      maxLength?: number;
      default?: string;
    })
  | (FieldBase & { kind: "number"; integer: boolean; minimum?: number; maximum?: number; default?: number })
  | (FieldBase & { kind: "boolean"; default?: boolean })
  | (FieldBase & { kind: "select"; options: Option[]; default?: string })
  | (FieldBase & { kind: "multiselect"; options: Option[]; minItems?: number; maxItems?: number; default?: string[] });

/** What the inputs hold: text for text, number and select fields, booleans and string lists for the rest. */
export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

export interface FormSpec {
  fields: Field[];
  /** Properties the card cannot render; when any exist the user can only decline or cancel. */
  unsupported: string[];
}

const FORMATS = new Set(["email", "uri", "date", "date-time"]);

type Prop = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);

/** `oneOf`/`anyOf` of `{const, title}`: the titled forms of single and multi select. */
function titledOptions(v: unknown): Option[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const options = v.map((o: Prop) => ({ value: str(o?.const), label: str(o?.title) ?? str(o?.const) }));
  return options.every((o): o is Option => o.value !== undefined && o.label !== undefined) ? options : undefined;
}

function enumOptions(values: string[], names?: string[]): Option[] {
  return values.map((value, i) => ({ value, label: names?.[i] ?? value }));
}

/** A string field allowed more characters than this gets a text area rather than one line. */
const LONG_TEXT = 300;

function fieldFor(name: string, prop: Prop, required: boolean): Field | undefined {
  const base: FieldBase = { name, label: str(prop.title) ?? name, description: str(prop.description), required };
  switch (prop.type) {
    case "string": {
      const values = strings(prop.enum);
      if (values) return { ...base, kind: "select", options: enumOptions(values, strings(prop.enumNames)), default: str(prop.default) };
      const titled = titledOptions(prop.oneOf);
      if (titled) return { ...base, kind: "select", options: titled, default: str(prop.default) };
      if (prop.oneOf !== undefined || prop.anyOf !== undefined) return undefined;
      const format = str(prop.format);
      if (format !== undefined && !FORMATS.has(format)) return undefined;
      return {
        ...base,
        kind: "text",
        format: format as Extract<Field, { kind: "text" }>["format"],
        ...(format === undefined && (num(prop.maxLength) ?? 0) > LONG_TEXT && { multiline: true }),
        minLength: num(prop.minLength),
        maxLength: num(prop.maxLength),
        default: str(prop.default),
      };
    }
    case "number":
    case "integer":
      return {
        ...base,
        kind: "number",
        integer: prop.type === "integer",
        minimum: num(prop.minimum),
        maximum: num(prop.maximum),
        default: num(prop.default),
      };
    case "boolean":
      return { ...base, kind: "boolean", default: typeof prop.default === "boolean" ? prop.default : undefined };
    case "array": {
      const items = (prop.items ?? {}) as Prop;
      const values = strings(items.enum);
      const options = values ? enumOptions(values) : titledOptions(items.anyOf ?? items.oneOf);
      if (!options) return undefined;
      return {
        ...base,
        kind: "multiselect",
        options,
        minItems: num(prop.minItems),
        maxItems: num(prop.maxItems),
        default: strings(prop.default),
      };
    }
    default:
      return undefined;
  }
}

export function formFromSchema(schema: RequestedSchema): FormSpec {
  const required = new Set(schema.required ?? []);
  const fields: Field[] = [];
  const unsupported: string[] = [];
  for (const [name, prop] of Object.entries(schema.properties)) {
    const field = fieldFor(name, prop as Prop, required.has(name));
    if (field) fields.push(field);
    else unsupported.push(name);
  }
  return { fields, unsupported };
}

/** The inputs' starting values: the schema's defaults, pre-filled (the spec asks clients to). */
export function initialValues(fields: Field[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    if (field.kind === "boolean") values[field.name] = field.default ?? false;
    else if (field.kind === "multiselect") values[field.name] = field.default ?? [];
    else values[field.name] = field.default === undefined ? "" : String(field.default);
  }
  return values;
}

/**
 * The content sent on accept: typed values; an empty text or number is left out rather than sent as "".
 * A number that does not parse is kept as text so validation reports it instead of silently dropping it.
 */
export function contentFromValues(fields: Field[], values: FormValues): ElicitationContent {
  const content: ElicitationContent = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (field.kind === "boolean" || field.kind === "multiselect") {
      content[field.name] = value;
      continue;
    }
    const text = String(value);
    // Left out, so a required field is reported as missing instead of passing as "".
    if (text.trim() === "") continue;
    if (field.kind === "number") content[field.name] = Number.isNaN(Number(text)) ? text : Number(text);
    else if (field.kind === "text" && field.format === "date-time" && !Number.isNaN(Date.parse(text))) {
      // <input type="datetime-local"> gives local time without a zone; the schema wants RFC 3339.
      content[field.name] = new Date(text).toISOString();
    } else content[field.name] = text;
  }
  return content;
}
