import "server-only";
import { REDACTED } from "./contract";

/**
 * Which fields of a form's content (or of a tool call's arguments) the audit trail must not keep: those whose
 * schema property is marked sensitive (`format: "password"`, `writeOnly: true` or `"x-sensitive": true`), and
 * those named by a rule (AUDIT_REDACT_FIELDS, or names added through AuditTrail.redactFields), any case.
 */
export class Redaction {
  private readonly names = new Set<string>();

  constructor(names: Iterable<string> = []) {
    this.add(names);
  }

  /** Names of fields never to keep, whatever their schema says. */
  add(names: Iterable<string>): void {
    for (const name of names) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed) this.names.add(trimmed);
    }
  }

  /** `values` with every sensitive field's value replaced by "[redacted]" (top-level fields: MCP forms are flat). */
  apply<T extends Record<string, unknown>>(values: T, schema?: unknown): T {
    const properties = propertiesOf(schema);
    const copy: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(values)) {
      copy[field] = this.names.has(field.toLowerCase()) || isSensitive(properties[field]) ? REDACTED : value;
    }
    return copy as T;
  }
}

/** Comma-separated field names, as AUDIT_REDACT_FIELDS gives them. */
export function fieldNamesOf(list: string | undefined): string[] {
  return (list ?? "").split(",").flatMap((name) => (name.trim() ? [name.trim()] : []));
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (!schema || typeof schema !== "object") return {};
  const properties = (schema as { properties?: unknown }).properties;
  return properties && typeof properties === "object" ? (properties as Record<string, unknown>) : {};
}

function isSensitive(property: unknown): boolean {
  if (!property || typeof property !== "object") return false;
  const marks = property as { format?: unknown; writeOnly?: unknown; "x-sensitive"?: unknown };
  return marks.format === "password" || marks.writeOnly === true || marks["x-sensitive"] === true;
}
