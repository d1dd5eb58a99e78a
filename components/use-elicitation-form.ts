"use client";

import { useMemo, useState } from "react";
import type { RequestedSchema } from "@/lib/elicitation/contract";
import { contentFromValues, formFromSchema, initialValues, type FormValue } from "@/lib/elicitation/form";
import { validateContent } from "@/lib/elicitation/validate";

/** Form state for one request: pre-filled values, live validation, and which messages a person should see yet. */
export function useElicitationForm(schema: RequestedSchema) {
  const { fields, unsupported } = useMemo(() => formFromSchema(schema), [schema]);
  const [values, setValues] = useState(() => initialValues(fields));
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);

  const content = useMemo(() => contentFromValues(fields, values), [fields, values]);
  const allErrors = useMemo(() => validateContent(schema, content), [schema, content]);
  const visibleErrors = Object.fromEntries(
    allErrors.filter((e) => submitted || touched.has(e.field)).map((e) => [e.field, e.message]),
  );

  return {
    fields,
    unsupported,
    values,
    content,
    valid: allErrors.length === 0 && unsupported.length === 0,
    errors: visibleErrors,
    setValue: (name: string, value: FormValue) => {
      setValues((old) => ({ ...old, [name]: value }));
      setTouched((old) => new Set(old).add(name));
    },
    /** After a submit attempt every message shows, not just the touched fields'. */
    markSubmitted: () => setSubmitted(true),
  };
}
