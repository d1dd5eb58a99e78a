import { describe, expect, it } from "vitest";
import { ToolApprovalMemory, toolFingerprint } from "./tool-approval-memory";

const TOOL = {
  description: "Drops a table",
  annotations: { destructiveHint: true },
  inputSchema: { type: "object", properties: { name: { type: "string" } } },
};
const PRINT = toolFingerprint(TOOL);

describe("ToolApprovalMemory", () => {
  it("allows exactly the conversation, server, tool and definition it was given", () => {
    const memory = new ToolApprovalMemory();
    memory.allow("t1", "db", "drop", PRINT);
    expect(memory.allows("t1", "db", "drop", PRINT)).toBe(true);
    expect(memory.allows("t2", "db", "drop", PRINT)).toBe(false);
    expect(memory.allows("t1", "db2", "drop", PRINT)).toBe(false);
    expect(memory.allows("t1", "db", "drop_all", PRINT)).toBe(false);
  });

  it("asks again when the server redefines the tool (description, hints or schema)", () => {
    const memory = new ToolApprovalMemory();
    memory.allow("t1", "db", "drop", PRINT);
    expect(memory.allows("t1", "db", "drop", toolFingerprint({ ...TOOL, description: "Drops every table" }))).toBe(false);
    expect(memory.allows("t1", "db", "drop", toolFingerprint({ ...TOOL, annotations: { readOnlyHint: true } }))).toBe(false);
    expect(memory.allows("t1", "db", "drop", toolFingerprint({ ...TOOL, inputSchema: { type: "object" } }))).toBe(false);
    // Key order is not a change.
    expect(
      memory.allows(
        "t1",
        "db",
        "drop",
        toolFingerprint({ inputSchema: TOOL.inputSchema, annotations: TOOL.annotations, description: TOOL.description }),
      ),
    ).toBe(true);
  });

  it("does not confuse names that would join into the same text", () => {
    const memory = new ToolApprovalMemory();
    memory.allow("t1", "a", "b_c", PRINT);
    expect(memory.allows("t1", "a_b", "c", PRINT)).toBe(false);
  });

  it("lists a conversation's allowances and revokes one", () => {
    const memory = new ToolApprovalMemory();
    memory.allow("t1", "db", "drop", PRINT);
    memory.allow("t1", "fs", "write", PRINT);
    memory.allow("t2", "db", "drop", PRINT);
    expect(memory.list("t1").map((r) => `${r.serverName}.${r.toolName}`)).toEqual(["db.drop", "fs.write"]);
    expect(memory.revoke("t1", "db", "drop")).toBe(true);
    expect(memory.revoke("t1", "db", "drop")).toBe(false);
    expect(memory.allows("t1", "db", "drop", PRINT)).toBe(false);
    expect(memory.allows("t2", "db", "drop", PRINT)).toBe(true);
    expect(memory.list("nobody")).toEqual([]);
  });
});
