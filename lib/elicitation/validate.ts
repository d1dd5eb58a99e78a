/**
 * Checks accepted content against the request's own JSON Schema with Ajv (formats included), the same way in
 * the browser (inline messages, Accept disabled) and in POST /api/elicitations/{id} (422, never forwarded).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { errorMessage } from "@/lib/errors";
import type { ElicitationContent, RequestedSchema } from "./contract";

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
  const compiledSchema = { ...rest, additionalProperties: false };
  const validate = ajv.compile(compiledSchema);
  try {
    return check(validate);
  } finally {
    ajv.removeSchema(compiledSchema);
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
