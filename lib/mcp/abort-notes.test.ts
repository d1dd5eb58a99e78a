import { describe, expect, it } from "vitest";
import { ChatTurns } from "@/lib/chat/turns";
import { serverAbortNote, turnEndNote } from "./abort-notes";

describe("why a card was cancelled", () => {
  it("names each way a turn ends, from the reasons the runs really give", () => {
    const turns = new ChatTurns(10);
    const stopped = turns.open("t");
    stopped.stop("stopped by the person");
    expect(turnEndNote(stopped.signal.reason)).toBe("the turn was stopped");
    const ended = turns.open("t");
    turns.close(ended);
    expect(turnEndNote(ended.signal.reason)).toBe("the turn ended before an answer");
    expect(turnEndNote(new Error("nobody is watching this turn"))).toBe("the chat request was closed");
    expect(turnEndNote(new Error("model failed"))).toBe("the turn ended: model failed");
    expect(turnEndNote(undefined)).toBe("the chat request was closed");
  });

  it("tells a server that went away from a server that withdrew its question", () => {
    const closed = Object.assign(new Error("Connection closed"), { code: "CONNECTION_CLOSED" });
    expect(serverAbortNote(closed)).toBe("the MCP server closed the connection (it stopped or crashed)");
    expect(serverAbortNote("no longer needed")).toBe("the MCP server withdrew the question: no longer needed");
    expect(serverAbortNote(new DOMException("This operation was aborted", "AbortError"))).toBe("the MCP server withdrew the question");
  });
});
