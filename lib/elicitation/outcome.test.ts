import { describe, expect, it } from "vitest";
import { describeOutcome, type OutcomeFacts } from "./outcome";

const command = (facts: Partial<OutcomeFacts>): OutcomeFacts => ({
  status: "accepted",
  mode: "form",
  kind: "question",
  command: "rm -rf build",
  turnEnded: false,
  ...facts,
});
const toolCall = (facts: Partial<OutcomeFacts>): OutcomeFacts => ({
  status: "accepted",
  mode: "form",
  kind: "tool-call",
  turnEnded: false,
  ...facts,
});

describe("describeOutcome", () => {
  it("says what did not happen for each way a card ends without a yes, with the cancel's reason", () => {
    expect(describeOutcome(command({ status: "declined" }))).toEqual({ state: "declined", text: "Declined: it did not run" });
    expect(
      describeOutcome(command({ status: "cancelled", note: "the MCP server closed the connection (it stopped or crashed)" })).text,
    ).toBe("Cancelled: it did not run (the MCP server closed the connection (it stopped or crashed))");
    expect(describeOutcome(command({ status: "expired" })).text).toMatch(/^Expired: .*did not run/);
    expect(describeOutcome(command({ status: "expired", note: "nobody answered in time" })).text).toMatch(/^Expired: .*did not run/);
    // A question left waiting when the server stopped: the card says exactly what happened.
    expect(describeOutcome(command({ status: "expired", note: "the server restarted; nothing ran" }))).toEqual({
      state: "expired",
      text: "Expired: the server restarted; nothing ran",
    });
  });

  it("does not call an accepted command run until its result says so", () => {
    expect(describeOutcome(command({}))).toEqual({ state: "approved", text: "Approved" });
    expect(describeOutcome(command({ commandResult: { ran: true, summary: "Ran" } }))).toEqual({ state: "ran", text: "Approved: it ran" });
    expect(
      describeOutcome(command({ approved: { command: "rm -rf b2", edited: true }, commandResult: { ran: true, summary: "Ran" } })).text,
    ).toBe("Approved as edited: it ran");
  });

  it("says an accepted command did not run when its result says so, with the server's reason", () => {
    const view = describeOutcome(command({ commandResult: { ran: false, summary: "Not run: the tool call was cancelled." } }));
    expect(view).toEqual({ state: "not-run", text: "Accepted, but not run: the tool call was cancelled" });
  });

  it("does not claim anything ran when the turn ended before a result", () => {
    expect(describeOutcome(command({ turnEnded: true }))).toEqual({
      state: "unknown",
      text: "Accepted, but the turn was stopped before the command reported a result",
    });
    expect(describeOutcome(toolCall({ turnEnded: true })).state).toBe("unknown");
  });

  it("uses the gate's report for a tool call", () => {
    expect(describeOutcome(toolCall({ callResult: { called: false, summary: "the turn was stopped before the call" } })).text).toBe(
      "Accepted, but not run: the turn was stopped before the call",
    );
    expect(
      describeOutcome(toolCall({ approved: { arguments: {}, edited: true }, callResult: { called: true, summary: "called" } })),
    ).toEqual({
      state: "ran",
      text: "Approved as edited: called",
    });
    // A report wins over "the turn ended": the server knows.
    expect(describeOutcome(toolCall({ turnEnded: true, callResult: { called: false, summary: "x" } })).state).toBe("not-run");
  });

  it("keeps plain answers and URL consents as they were", () => {
    expect(describeOutcome({ status: "accepted", mode: "form", kind: "question", turnEnded: true }).text).toBe("Approved");
    expect(describeOutcome({ status: "accepted", mode: "url", kind: "question", turnEnded: false }).text).toBe("Opened in a new tab");
  });
});
