/**
 * Checks accepted content against the request's own JSON Schema with Ajv (formats included), the same way in
 * the browser (inline messages, Accept disabled) and in POST /api/elicitations/{id} (422, never forwarded).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { ElicitationContent, RequestedSchema } from "./contract";

export interface FieldError {
  /** The property name, or "" for the content as a whole. */
  field: string;
  message: string;
}

// strict: false because MCP schemas carry keywords JSON Schema does not define (enumNames).
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, ["email", "uri", "date", "date-time"]);

const compiled = new WeakMap<RequestedSchema, ValidateFunction>();

/** Requests may only ask for the properties they list; anything else in an answer is refused. */
function compile(schema: RequestedSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile({ ...schema, additionalProperties: false });
    compiled.set(schema, validate);
  }
  return validate;
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

export function validateContent(schema: RequestedSchema, content: ElicitationContent): FieldError[] {
  let validate: ValidateFunction;
  try {
    validate = compile(schema);
  } catch (error) {
    return [{ field: "", message: `the request's schema cannot be checked: ${error instanceof Error ? error.message : String(error)}` }];
  }
  if (validate(content)) return [];
  const errors = (validate.errors ?? []).map(describe);
  // One message per field is enough for a person; oneOf/anyOf report one error per branch.
  return errors.filter((e, i) => errors.findIndex((other) => other.field === e.field) === i);
}
