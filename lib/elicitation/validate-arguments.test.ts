import { describe, expect, it } from "vitest";
import { validateArguments } from "./validate";

const DRAFT7 = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 5 },
    force: { type: "boolean" },
    where: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
  },
  required: ["name"],
};

describe("validateArguments", () => {
  it("accepts arguments that fit the tool's schema, extra properties included when the schema allows them", () => {
    expect(validateArguments(DRAFT7, { name: "prod" })).toEqual([]);
    expect(validateArguments(DRAFT7, { name: "prod", where: { id: 3 }, extra: 1 })).toEqual([]);
  });

  it("names each problem by its path, nested ones included", () => {
    expect(validateArguments(DRAFT7, {})).toEqual([{ field: "name", message: "is required" }]);
    expect(validateArguments(DRAFT7, { name: "" })).toEqual([{ field: "name", message: "must NOT have fewer than 1 characters" }]);
    expect(validateArguments(DRAFT7, { name: "x", force: "yes" })).toEqual([{ field: "force", message: "must be boolean" }]);
    expect(validateArguments(DRAFT7, { name: "x", where: {} })).toEqual([{ field: "where.id", message: "is required" }]);
    expect(validateArguments(DRAFT7, { name: "x", where: { id: 1.5 } })).toEqual([{ field: "where.id", message: "must be integer" }]);
  });

  it("follows the schema's own rules on extra properties", () => {
    expect(validateArguments({ ...DRAFT7, additionalProperties: false }, { name: "x", admin: true })).toEqual([
      { field: "admin", message: "is not an argument of this tool" },
    ]);
  });

  it("reads 2020-12 schemas (MCP's default dialect), with prefixItems and $defs", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { pair: { type: "array", prefixItems: [{ type: "string" }, { $ref: "#/$defs/n" }] } },
      $defs: { n: { type: "number" } },
    };
    expect(validateArguments(schema, { pair: ["a", 1] })).toEqual([]);
    expect(validateArguments(schema, { pair: ["a", "b"] })).toEqual([{ field: "pair.1", message: "must be number" }]);
    expect(validateArguments({ type: "object", properties: { at: { type: "string", format: "date-time" } } }, { at: "soon" })).toEqual([
      { field: "at", message: 'must match format "date-time"' },
    ]);
  });

  it("refuses everything when the schema itself cannot be compiled", () => {
    const errors = validateArguments({ type: "object", properties: { a: { $ref: "#/nowhere" } } }, { a: 1 });
    expect(errors[0]?.message).toMatch(/cannot be checked/);
  });

  it("compiles afresh each time: a schema with an $id works twice", () => {
    const schema = { $id: "https://example.com/tool", type: "object", required: ["a"] };
    expect(validateArguments(schema, {})).toHaveLength(1);
    expect(validateArguments(schema, { a: 1 })).toEqual([]);
  });
});
