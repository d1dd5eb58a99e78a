/**
 * Checks accepted content against the request's own JSON Schema with Ajv (formats included), the same way in
 * the browser (inline messages, Accept disabled) and in POST /api/elicitations/{id} (422, never forwarded).
 * Tool-call cards check edited arguments against the tool's inputSchema the same way (validateArguments).
 */
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { errorMessage } from "@/lib/errors";
import type { ElicitationContent, RequestedSchema } from "@/lib/elicitation/contract";

export interface FieldError {
  /** The property name, or "" for the content as a whole. */
  field: string;
  message: string;
}

// strict: false because MCP schemas carry keywords JSON Schema does not define (enumNames).
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, ["email", "uri", "date", "date-time"]);

/**
 * Compiled fresh for each check and removed after it: Ajv keeps every compiled schema in its own cache, which would
 * grow with every request, and a schema with an `$id` could then be compiled only once. `additionalProperties:
 * false` because a request may only ask for the properties it lists; anything else in an answer is refused.
 */
function withCompiled<T>(schema: RequestedSchema, check: (validate: ValidateFunction) => T): T {
  const { $id: _ignored, ...rest } = schema as RequestedSchema & { $id?: unknown };
  return compiledWith(ajv, { ...rest, additionalProperties: false }, check);
}

function compiledWith<T>(instance: Ajv, schema: AnySchema, check: (validate: ValidateFunction) => T): T {
  const validate = instance.compile(schema);
  try {
    return check(validate);
  } finally {
    instance.removeSchema(schema);
  }
}

function describe(error: ErrorObject): FieldError {
  const path = error.instancePath.split("/").filter(Boolean);
  if (error.keyword === "required") return { field: String(error.params.missingProperty), message: "is required" };
  if (error.keyword === "additionalProperties") {
    return { field: String(error.params.additionalProperty), message: "is not a field of this request" };
  }
  const field = path[0] ?? "";
  if (error.keyword === "format") return { field, message: `must be a valid ${String(error.params.format)}` };
  if (error.keyword === "enum" || error.keyword === "const" || error.keyword === "anyOf" || error.keyword === "oneOf") {
    return { field, message: "must be one of the offered choices" };
  }
  return { field, message: error.message ?? "is invalid" };
}

/** Same message for a person whatever the depth: "table.name must be string", "name is required". */
function describeAnywhere(error: ErrorObject): FieldError {
  const path = error.instancePath
    .split("/")
    .filter(Boolean)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (error.keyword === "required") return { field: [...path, String(error.params.missingProperty)].join("."), message: "is required" };
  if (error.keyword === "additionalProperties") {
    return { field: [...path, String(error.params.additionalProperty)].join("."), message: "is not an argument of this tool" };
  }
  return { field: path.join("."), message: error.message ?? "is invalid" };
}

// Tool schemas say which dialect they are written in; MCP's default (and Mastra's, when a server says nothing) is 2020-12.
const ajv2020 = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv2020);
const ajvDraft7 = new Ajv({ allErrors: true, strict: false });
addFormats(ajvDraft7);

/**
 * Checks a tool call's arguments against the tool's inputSchema as the server declared it. Unlike a form, the
 * schema is the tool's own: nested objects, arrays and additional properties are whatever it allows. A schema that
 * cannot be compiled fails the check (nothing is forwarded on a schema nobody could read).
 */
export function validateArguments(schema: Record<string, unknown>, args: Record<string, unknown>): FieldError[] {
  const { $schema: dialect, $id: _id, ...rest } = schema;
  const instance = typeof dialect === "string" && /draft-0[4-7]/.test(dialect) ? ajvDraft7 : ajv2020;
  try {
    return compiledWith(instance, rest, (validate) => {
      if (validate(args)) return [];
      const errors = (validate.errors ?? []).map(describeAnywhere);
      return errors.filter((e, i) => errors.findIndex((o) => o.field === e.field && o.message === e.message) === i);
    });
  } catch (error) {
    return [{ field: "", message: `the tool's input schema cannot be checked: ${errorMessage(error)}` }];
  }
}

export function validateContent(schema: RequestedSchema, content: ElicitationContent): FieldError[] {
  try {
    return withCompiled(schema, (validate) => {
      if (validate(content)) return [];
      const errors = (validate.errors ?? []).map(describe);
      // One message per field is enough for a person; oneOf/anyOf report one error per branch.
      return errors.filter((e, i) => errors.findIndex((other) => other.field === e.field) === i);
    });
  } catch (error) {
    return [{ field: "", message: `the request's schema cannot be checked: ${errorMessage(error)}` }];
  }
}
