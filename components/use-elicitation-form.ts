"use client";

import { useEffect, useMemo, useState } from "react";
import type { RequestedSchema } from "@/lib/elicitation/contract";
import { contentFromValues, formFromSchema, initialValues, type FormValue } from "@/lib/elicitation/form";
import type { FieldError } from "@/lib/elicitation/validate";

type Validate = (schema: RequestedSchema, content: ReturnType<typeof contentFromValues>) => FieldError[];

/** Ajv is a fifth of the page's JavaScript; it loads when a card with fields first appears, not with the page. */
function useValidator(needed: boolean): Validate | undefined {
  const [validate, setValidate] = useState<Validate>();
  useEffect(() => {
    if (!needed) return;
    let live = true;
    void import("@/lib/elicitation/validate").then((module) => live && setValidate(() => module.validateContent));
    return () => {
      live = false;
    };
  }, [needed]);
  return validate;
}

/** Form state for one request: pre-filled values, live validation, and which messages a person should see yet. */
export function useElicitationForm(schema: RequestedSchema) {
  const { fields, unsupported } = useMemo(() => formFromSchema(schema), [schema]);
  const [values, setValues] = useState(() => initialValues(fields));
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);

  const validate = useValidator(fields.length > 0);
  const content = useMemo(() => contentFromValues(fields, values), [fields, values]);
  // A form with no fields (a plain yes/no) has nothing to check; one with fields waits for the validator.
  const allErrors = useMemo(
    () => (fields.length === 0 ? [] : validate ? validate(schema, content) : [{ field: "", message: "checking…" }]),
    [fields.length, validate, schema, content],
  );
  const visibleErrors = Object.fromEntries(allErrors.filter((e) => submitted || touched.has(e.field)).map((e) => [e.field, e.message]));

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
