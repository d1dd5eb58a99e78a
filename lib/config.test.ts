import { describe, expect, it } from "vitest";
import { appConfig } from "./config";

describe("pending-question limits", () => {
  it("default to 20 per conversation and 200 in total", () => {
    expect(appConfig({}).pendingLimits).toEqual({ perConversation: 20, total: 200 });
  });

  it("read the new names, and the old per-server name as the per-conversation limit", () => {
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_CONVERSATION: "5", ELICITATION_MAX_PENDING_TOTAL: "50" }).pendingLimits).toEqual({ perConversation: 5, total: 50 });
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_SERVER: "7" }).pendingLimits).toEqual({ perConversation: 7, total: 200 });
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_CONVERSATION: "3", ELICITATION_MAX_PENDING_PER_SERVER: "7" }).pendingLimits.perConversation).toBe(3);
  });

  it("never let the total fall below one conversation's limit", () => {
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_SERVER: "5000" }).pendingLimits).toEqual({ perConversation: 5000, total: 5000 });
  });
});
