import { describe, expect, it } from "vitest";
import type { RequestedSchema } from "./contract";
import { contentFromValues, formFromSchema, initialValues } from "./form";
import { validateContent } from "./validate";

/** Every primitive the 2025-11-25 spec allows in a form. */
const EVERY_SHAPE: RequestedSchema = {
  type: "object",
  properties: {
    name: { type: "string", title: "Name", description: "Full name", minLength: 2, maxLength: 20 },
    motto: { type: "string", default: "Ship it" },
    email: { type: "string", format: "email" },
    site: { type: "string", format: "uri" },
    born: { type: "string", format: "date" },
    meeting: { type: "string", format: "date-time" },
    age: { type: "integer", minimum: 1, maximum: 120, default: 30 },
    ratio: { type: "number", minimum: 0, maximum: 1 },
    agree: { type: "boolean", default: true },
    color: { type: "string", enum: ["red", "green"] },
    hero: {
      type: "string",
      oneOf: [
        { const: "h1", title: "Superman" },
        { const: "h2", title: "Batman" },
      ],
      default: "h2",
    },
    pet: { type: "string", enum: ["p1", "p2"], enumNames: ["Cat", "Dog"] },
    tools: { type: "array", items: { type: "string", enum: ["saw", "drill", "hammer"] }, minItems: 1, maxItems: 2, default: ["saw"] },
    fish: {
      type: "array",
      items: {
        anyOf: [
          { const: "f1", title: "Tuna" },
          { const: "f2", title: "Trout" },
        ],
      },
    },
  },
  required: ["name", "email", "age"],
};

describe("formFromSchema", () => {
  const { fields, unsupported } = formFromSchema(EVERY_SHAPE);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it("maps every primitive to a field, in order", () => {
    expect(unsupported).toEqual([]);
    expect(fields.map((f) => `${f.name}:${f.kind}`)).toEqual([
      "name:text",
      "motto:text",
      "email:text",
      "site:text",
      "born:text",
      "meeting:text",
      "age:number",
      "ratio:number",
      "agree:boolean",
      "color:select",
      "hero:select",
      "pet:select",
      "tools:multiselect",
      "fish:multiselect",
    ]);
  });

  it("keeps titles, descriptions, required flags, formats and limits", () => {
    expect(byName.name).toMatchObject({ label: "Name", description: "Full name", required: true, minLength: 2, maxLength: 20 });
    expect(byName.motto).toMatchObject({ label: "motto", required: false, default: "Ship it" });
    expect(byName.email).toMatchObject({ format: "email", required: true });
    expect(byName.meeting).toMatchObject({ format: "date-time" });
    expect(byName.age).toMatchObject({ integer: true, minimum: 1, maximum: 120, default: 30 });
    expect(byName.ratio).toMatchObject({ integer: false, minimum: 0, maximum: 1 });
  });

  it("gives long free text a text area, and short or formatted text one line", () => {
    const { fields } = formFromSchema({
      type: "object",
      properties: {
        answer: { type: "string", maxLength: 20_000 },
        short: { type: "string", maxLength: 300 },
        link: { type: "string", format: "uri", maxLength: 2_000 },
        open: { type: "string" },
      },
    });
    expect(fields.map((f) => [f.name, f.kind === "text" && f.multiline === true])).toEqual([
      ["answer", true],
      ["short", false],
      ["link", false],
      ["open", false],
    ]);
  });

  it("labels untitled, titled and legacy enums", () => {
    expect(byName.color).toMatchObject({
      options: [
        { value: "red", label: "red" },
        { value: "green", label: "green" },
      ],
    });
    expect(byName.hero).toMatchObject({
      options: [
        { value: "h1", label: "Superman" },
        { value: "h2", label: "Batman" },
      ],
      default: "h2",
    });
    expect(byName.pet).toMatchObject({
      options: [
        { value: "p1", label: "Cat" },
        { value: "p2", label: "Dog" },
      ],
    });
    expect(byName.tools).toMatchObject({ minItems: 1, maxItems: 2, default: ["saw"] });
    expect(byName.fish).toMatchObject({
      options: [
        { value: "f1", label: "Tuna" },
        { value: "f2", label: "Trout" },
      ],
    });
  });

  it("pre-fills defaults", () => {
    expect(initialValues(fields)).toMatchObject({
      name: "",
      motto: "Ship it",
      age: "30",
      agree: true,
      hero: "h2",
      tools: ["saw"],
      fish: [],
    });
  });

  it("names what it cannot render", () => {
    const odd: RequestedSchema = {
      type: "object",
      properties: { nested: { type: "object" }, color: { type: "string", format: "hex-color" }, ok: { type: "boolean" } },
    };
    expect(formFromSchema(odd)).toMatchObject({ unsupported: ["nested", "color"], fields: [{ name: "ok" }] });
  });
});

describe("contentFromValues + validateContent", () => {
  const { fields } = formFromSchema(EVERY_SHAPE);
  const valid = {
    ...initialValues(fields),
    name: "Ada Lovelace",
    email: "ada@example.com",
    site: "https://example.com",
    born: "1815-12-10",
    meeting: "2026-11-22T10:30",
    ratio: "0.5",
  };

  it("types the values and passes a valid answer", () => {
    const content = contentFromValues(fields, valid);
    expect(content).toMatchObject({ name: "Ada Lovelace", age: 30, ratio: 0.5, agree: true, tools: ["saw"], hero: "h2" });
    expect(content.meeting).toMatch(/^2026-11-22T\d\d:30:00\.000Z$/);
    expect(content).not.toHaveProperty("color");
    expect(validateContent(EVERY_SHAPE, content)).toEqual([]);
  });

  it.each([
    ["a missing required field", { name: "" }, "name", "is required"],
    ["a too short string", { name: "A" }, "name", "must NOT have fewer than 2 characters"],
    ["a too long string", { name: "x".repeat(21) }, "name", "must NOT have more than 20 characters"],
    ["a bad email", { email: "not-an-email" }, "email", "must be a valid email"],
    ["a bad uri", { site: "no scheme" }, "site", "must be a valid uri"],
    ["a bad date", { born: "1815-13-45" }, "born", "must be a valid date"],
    ["a number out of range", { age: "500" }, "age", "must be <= 120"],
    ["a fraction for an integer", { age: "1.5" }, "age", "must be integer"],
    ["text for a number", { ratio: "half" }, "ratio", "must be number"],
    ["a choice not offered", { color: "blue" }, "color", "must be one of the offered choices"],
    ["too many items", { tools: ["saw", "drill", "hammer"] }, "tools", "must NOT have more than 2 items"],
    ["too few items", { tools: [] }, "tools", "must NOT have fewer than 1 items"],
    ["an item not offered", { fish: ["f9"] }, "fish", "must be one of the offered choices"],
  ])("reports %s on its field", (_what, change, field, message) => {
    const errors = validateContent(EVERY_SHAPE, contentFromValues(fields, { ...valid, ...change }));
    expect(errors).toContainEqual({ field, message });
  });

  it("checks a schema with an $id again and again (nothing is left in Ajv's cache)", () => {
    const withId = { ...EVERY_SHAPE, $id: "https://example.com/form" } as RequestedSchema;
    const content = contentFromValues(fields, valid);
    for (let i = 0; i < 3; i++) expect(validateContent(withId, content)).toEqual([]);
  });

  it("refuses fields the request did not ask for", () => {
    expect(validateContent(EVERY_SHAPE, { ...contentFromValues(fields, valid), extra: "x" })).toContainEqual({
      field: "extra",
      message: "is not a field of this request",
    });
  });
});
