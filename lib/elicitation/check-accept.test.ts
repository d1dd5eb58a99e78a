import { describe, expect, it } from "vitest";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { withoutRemember } from "@/lib/elicitation/settlement";
import { ApiError } from "@/lib/errors";
import { checkAccept } from "@/lib/elicitation/check-accept";

const shellQuestion: ElicitationData = {
  id: "q1",
  kind: "question",
  mode: "form",
  threadId: "t1",
  serverName: "shell",
  message: "Run rm -rf build?",
  requestedSchema: {
    type: "object",
    properties: { command: { type: "string" }, remember: { type: "string", enum: ["once", "command", "prefix"] } },
    required: ["command", "remember"],
  },
  command: "rm -rf build",
  status: "pending",
  createdAt: 1,
  expiresAt: 2,
};
const review = { routedTo: ["ops"], approvalsNeeded: 1, approvals: [], requesterMayAnswer: false, escalated: false };
const toolCallCard: ElicitationData = {
  ...shellQuestion,
  kind: "tool-call",
  serverName: "deploy",
  requestedSchema: { type: "object", properties: {} },
  toolCall: { toolName: "deploy", arguments: {}, inputSchema: { type: "object" }, reason: "destructive", rememberable: true },
};

const status = (run: () => void) => {
  try {
    run();
    return "ok";
  } catch (error) {
    return error instanceof ApiError ? error.status : "threw";
  }
};

describe("a question routed for review is approved for this call only", () => {
  it("its card offers no remember: the shell server's field and the gate's flag are gone", () => {
    const routed = withoutRemember(shellQuestion);
    expect(Object.keys(routed.requestedSchema.properties)).toEqual(["command"]);
    expect(routed.requestedSchema.required).toEqual(["command"]);
    expect(withoutRemember(toolCallCard).toolCall?.rememberable).toBe(false);
  });

  it("an accept that asks to remember anyway is refused (400), whichever way it asks", () => {
    const routedQuestion = { ...withoutRemember(shellQuestion), review };
    const routedCall = { ...withoutRemember(toolCallCard), review };
    expect(status(() => checkAccept(routedQuestion, { action: "accept", content: { command: "rm -rf build", remember: "prefix" } }))).toBe(
      400,
    );
    expect(status(() => checkAccept(routedQuestion, { action: "accept", content: { command: "rm -rf build", remember: "command" } }))).toBe(
      400,
    );
    expect(status(() => checkAccept(routedCall, { action: "accept", remember: true }))).toBe(400);
    expect(status(() => checkAccept(routedQuestion, { action: "accept", content: { command: "rm -rf build" } }))).toBe("ok");
    expect(status(() => checkAccept(routedCall, { action: "accept" }))).toBe("ok");
  });

  it("without routing, remember stays available as before", () => {
    expect(status(() => checkAccept(shellQuestion, { action: "accept", content: { command: "rm -rf build", remember: "prefix" } }))).toBe(
      "ok",
    );
    expect(status(() => checkAccept(toolCallCard, { action: "accept", remember: true }))).toBe("ok");
  });
});
