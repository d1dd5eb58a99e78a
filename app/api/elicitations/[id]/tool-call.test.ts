/**
 * POST /api/elicitations/{id} for the two kinds of card: a tool-call card takes (maybe edited) arguments checked
 * against the tool's inputSchema, a question takes form content; each refuses the other's fields, and nothing
 * refused reaches whoever waits on the card.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Settlement } from "@/lib/elicitation/registry";
import { serverState } from "@/lib/server-state";
import { GET, POST } from "./route";

const TOOL_CALL = {
  toolName: "drop",
  arguments: { name: "prod", where: { id: 1 } },
  inputSchema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      name: { type: "string", pattern: "^[a-z]+$" },
      where: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
    },
    required: ["name"],
    additionalProperties: false,
  },
  reason: "the server annotates it destructive",
  rememberable: true,
};

const opened: string[] = [];
function open(toolCall?: typeof TOOL_CALL): { id: string; settled: () => Settlement | undefined } {
  let settlement: Settlement | undefined;
  const card = serverState().registry.open({
    threadId: "t-kinds",
    serverName: "db",
    message: "m",
    requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
    toolCall,
    timeoutMs: 60_000,
    onChange: () => {},
  });
  void card.settled.then((s) => (settlement = s));
  opened.push(card.data.id);
  return { id: card.data.id, settled: () => settlement };
}
afterEach(() => opened.splice(0).forEach((id) => serverState().registry.answer(id, { action: "cancel" })));

const send = (id: string, body: unknown) =>
  POST(
    new Request(`http://127.0.0.1/api/elicitations/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    {
      params: Promise.resolve({ id }),
    },
  );
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("answers to a tool-call card", () => {
  it.each<[string, unknown, number, string]>([
    ["nested arguments that break the schema", { name: "prod", where: { id: "1" } }, 422, "where.id must be integer"],
    ["a nested required argument missing", { name: "prod", where: {} }, 422, "where.id is required"],
    ["an argument the schema does not allow", { name: "prod", admin: true }, 422, "admin is not an argument of this tool"],
    ["a value against the pattern", { name: "Prod; DROP" }, 422, 'name must match pattern "^[a-z]+$"'],
  ])("refuses %s with 422 and forwards nothing", async (_what, args, status, words) => {
    const card = open(TOOL_CALL);
    const response = await send(card.id, { action: "accept", arguments: args });
    expect(response.status).toBe(status);
    const { error } = await response.json();
    expect(`${error.message} ${JSON.stringify(error.details)}`).toContain(words);
    await flush();
    expect(card.settled()).toBeUndefined();
    expect(serverState().registry.get(card.id)?.status).toBe("pending");
  });

  it("forwards the edited arguments exactly, and reports the result with the outcome for tabs that ask later", async () => {
    const card = open(TOOL_CALL);
    expect((await send(card.id, { action: "accept", arguments: { name: "dev", where: { id: 2 } } })).status).toBe(200);
    await flush();
    expect(card.settled()).toEqual({ action: "accept", arguments: { name: "dev", where: { id: 2 } }, remember: false });
    const state = await (await GET(new Request("http://127.0.0.1"), { params: Promise.resolve({ id: card.id }) })).json();
    expect(state).toMatchObject({ settled: { status: "accepted" } });
  });
});

describe("answers to a question card", () => {
  it.each([
    ["arguments", { action: "accept", content: { ok: true }, arguments: { ok: true } }],
    ["remember", { action: "accept", content: { ok: true }, remember: true }],
  ])("refuses %s (tool-call fields) with 400", async (_what, body) => {
    const card = open();
    const response = await send(card.id, body);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("tool-call cards only");
    await flush();
    expect(card.settled()).toBeUndefined();
  });
});
