/**
 * Bad answers to POST /api/elicitations/{id}: each gets a 4xx JSON error that names the problem, the request stays
 * pending (nothing reached the MCP server), and a good answer afterwards still works.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RequestedSchema } from "@/lib/elicitation/contract";
import type { Settlement } from "@/lib/elicitation/registry";
import { serverState } from "@/lib/server-state";
import { POST } from "./route";

const SCHEMA: RequestedSchema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 2, maxLength: 10 },
    email: { type: "string", format: "email" },
    site: { type: "string", format: "uri" },
    born: { type: "string", format: "date" },
    at: { type: "string", format: "date-time" },
    age: { type: "integer", minimum: 1, maximum: 120 },
    ratio: { type: "number", minimum: 0, maximum: 1 },
    agree: { type: "boolean" },
    color: { type: "string", enum: ["red", "green"] },
    hero: { type: "string", oneOf: [{ const: "h1", title: "Superman" }] },
    tools: { type: "array", items: { type: "string", enum: ["saw", "drill"] }, minItems: 1, maxItems: 1 },
  },
  required: ["name", "age"],
};
const GOOD = { name: "Ada", age: 36 };

let id: string;
let settled: Promise<Settlement>;
let settledYet: boolean;

beforeEach(() => {
  const opened = serverState().registry.open({
    threadId: "t-bad-input",
    serverName: "fixture",
    message: "Tell me about you",
    requestedSchema: SCHEMA,
    timeoutMs: 60_000,
    onChange: () => {},
  });
  id = opened.data.id;
  settledYet = false;
  settled = opened.settled.then((s) => ((settledYet = true), s));
});
afterEach(() => {
  serverState().registry.answer(id, { action: "cancel" });
});

function send(body: string, contentType = "application/json", target = id) {
  return POST(
    new Request(`http://127.0.0.1/api/elicitations/${target}`, { method: "POST", headers: { "content-type": contentType }, body }),
    { params: Promise.resolve({ id: target }) },
  );
}
const accept = (content: unknown) => JSON.stringify({ action: "accept", content });

const CASES: Array<[string, string, number, string, string?]> = [
  // [what, body, status, words the message must contain, content type]
  ["empty body", "", 400, "not valid JSON"],
  ["truncated JSON", '{"action":', 400, "not valid JSON"],
  ["a JSON string", '"accept"', 400, "Invalid body"],
  ["a JSON array", "[]", 400, "Invalid body"],
  ["null", "null", 400, "Invalid body"],
  ["no action", "{}", 400, "action"],
  ["an unknown action", '{"action":"approve"}', 400, "action"],
  ["an action of the wrong case", '{"action":"ACCEPT"}', 400, "action"],
  ["a numeric action", '{"action":1}', 400, "action"],
  ["content with decline", '{"action":"decline","content":{"name":"x"}}', 400, "content"],
  ["content with cancel", '{"action":"cancel","content":{}}', 400, "content"],
  ["an extra top-level field", '{"action":"accept","content":{"name":"Ada","age":3},"force":true}', 400, "force"],
  ["content as a string", accept("Ada"), 400, "content"],
  ["content as an array", accept(["Ada"]), 400, "content"],
  ["content as null", accept(null), 400, "content"],
  ["a nested object value", accept({ ...GOOD, name: { first: "Ada" } }), 400, "content.name"],
  ["an array of numbers", accept({ ...GOOD, tools: [1] }), 400, "content.tools"],
  ["a null value", accept({ ...GOOD, agree: null }), 400, "content.agree"],
  ["a missing required field", accept({ age: 30 }), 422, "name is required"],
  ["another missing required field", accept({ name: "Ada" }), 422, "age is required"],
  ["no content at all", '{"action":"accept"}', 422, "is required"],
  ["a number for a string", accept({ ...GOOD, name: 42 }), 422, "name must be string"],
  ["a string for an integer", accept({ ...GOOD, age: "36" }), 422, "age must be integer"],
  ["a fraction for an integer", accept({ ...GOOD, age: 36.5 }), 422, "age must be integer"],
  ["a string for a boolean", accept({ ...GOOD, agree: "yes" }), 422, "agree must be boolean"],
  ["a string for a number", accept({ ...GOOD, ratio: "half" }), 422, "ratio must be number"],
  ["an array where a string belongs", accept({ ...GOOD, name: ["Ada"] }), 422, "name must be string"],
  ["a string where an array belongs", accept({ ...GOOD, tools: "saw" }), 422, "tools must be array"],
  ["an integer below minimum", accept({ ...GOOD, age: 0 }), 422, "age must be >= 1"],
  ["an integer above maximum", accept({ ...GOOD, age: 121 }), 422, "age must be <= 120"],
  ["a number above maximum", accept({ ...GOOD, ratio: 1.5 }), 422, "ratio must be <= 1"],
  ["a too short string", accept({ ...GOOD, name: "A" }), 422, "fewer than 2 characters"],
  ["a too long string", accept({ ...GOOD, name: "A".repeat(11) }), 422, "more than 10 characters"],
  ["a bad email", accept({ ...GOOD, email: "ada-at-example" }), 422, "email must be a valid email"],
  ["a bad uri", accept({ ...GOOD, site: "not a uri" }), 422, "site must be a valid uri"],
  ["a bad date", accept({ ...GOOD, born: "10/12/1815" }), 422, "born must be a valid date"],
  ["a bad date-time", accept({ ...GOOD, at: "tomorrow" }), 422, "at must be a valid date-time"],
  ["an enum value not offered", accept({ ...GOOD, color: "blue" }), 422, "color must be one of the offered choices"],
  ["a oneOf value not offered", accept({ ...GOOD, hero: "h9" }), 422, "hero must be one of the offered choices"],
  ["an array item not offered", accept({ ...GOOD, tools: ["hammer"] }), 422, "tools must be one of the offered choices"],
  ["too many items", accept({ ...GOOD, tools: ["saw", "drill"] }), 422, "more than 1 items"],
  ["too few items", accept({ ...GOOD, tools: [] }), 422, "fewer than 1 items"],
  ["a field the request did not ask for", accept({ ...GOOD, admin: true }), 422, "admin is not a field of this request"],
  ["a body over 64 KB", accept({ ...GOOD, name: "x".repeat(70_000) }), 413, "larger than 64 KB"],
  ["text/plain", accept(GOOD), 415, "Content-Type: application/json", "text/plain"],
  ["form encoding", "action=accept", 415, "Content-Type", "application/x-www-form-urlencoded"],
];

describe("POST /api/elicitations/{id} with bad input", () => {
  it(`has at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)("rejects %s", async (_what, body, status, words, contentType) => {
    const response = await send(body, contentType);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toContain("application/json");
    const { error } = await response.json();
    expect(`${error.message} ${JSON.stringify(error.details ?? "")}`).toContain(words);
    // Nothing was forwarded: the request is still waiting, and a good answer still goes through.
    expect(serverState().registry.get(id)?.status).toBe("pending");
    expect(settledYet).toBe(false);
  });

  it("answers 404 for ids that do not exist", async () => {
    for (const target of ["nope", "00000000-0000-0000-0000-000000000000", "../../etc/passwd", "%00"]) {
      const response = await send(accept(GOOD), "application/json", target);
      expect(response.status).toBe(404);
    }
  });

  it("still accepts a good answer after all that, and forwards exactly its content", async () => {
    const response = await send(accept({ ...GOOD, tools: ["saw"] }));
    expect(response.status).toBe(200);
    await expect(settled).resolves.toEqual({ action: "accept", content: { ...GOOD, tools: ["saw"] } });
  });
});
