import { describe, expect, it } from "vitest";
import { decide, isDenied, type GateSettings } from "./tool-approval-decision";

const READ_ONLY = { readOnlyHint: true };
const DESTRUCTIVE = { destructiveHint: true };

describe("the approval gate's decision", () => {
  it.each<[string, GateSettings, unknown, boolean, string]>([
    // [what, settings, annotations, remembered, kind]
    ["a read-only tool by default", {}, READ_ONLY, false, "run"],
    ["a destructive tool by default", {}, DESTRUCTIVE, false, "ask"],
    ["an unannotated tool by default", {}, undefined, false, "ask"],
    ["a tool with empty annotations", {}, {}, false, "ask"],
    ["readOnlyHint false", {}, { readOnlyHint: false }, false, "ask"],
    ["a server that claims read-only and destructive at once", {}, { readOnlyHint: true, destructiveHint: true }, false, "ask"],
    ["readOnlyHint as a string", {}, { readOnlyHint: "true" }, false, "ask"],
    ["readOnlyHint as 1", {}, { readOnlyHint: 1 }, false, "ask"],
    ["annotations that are not an object", {}, "readOnlyHint", false, "ask"],
    ["read-only plus destructiveHint false", {}, { readOnlyHint: true, destructiveHint: false }, false, "run"],
    ["approve always, even read-only", { approve: "always" }, READ_ONLY, false, "ask"],
    ["approve always ignores a remembered yes", { approve: "always" }, DESTRUCTIVE, true, "ask"],
    ["approve never trusts the server", { approve: "never" }, DESTRUCTIVE, false, "run"],
    ["allowTools runs without asking", { allowTools: ["drop"] }, DESTRUCTIVE, false, "run"],
    ["allowTools wins over approve always", { approve: "always", allowTools: ["drop"] }, DESTRUCTIVE, false, "run"],
    ["allowTools naming another tool", { allowTools: ["other"] }, DESTRUCTIVE, false, "ask"],
    ["allowTools with the prefixed name is not a match", { allowTools: ["db_drop"] }, DESTRUCTIVE, false, "ask"],
    ["a remembered yes", {}, DESTRUCTIVE, true, "run"],
    ["denyTools", { denyTools: ["drop"] }, READ_ONLY, false, "deny"],
    ["denyTools wins over allowTools", { denyTools: ["drop"], allowTools: ["drop"] }, READ_ONLY, false, "deny"],
    ["denyTools wins over approve never", { approve: "never", denyTools: ["drop"] }, READ_ONLY, false, "deny"],
    ["denyTools wins over a remembered yes", { denyTools: ["drop"] }, READ_ONLY, true, "deny"],
  ])("%s", (_what, settings, annotations, remembered, kind) => {
    expect(decide(settings, "drop", annotations, remembered).kind).toBe(kind);
  });

  it("says why it asks", () => {
    expect(decide({}, "t", DESTRUCTIVE, false)).toMatchObject({ reason: "the server annotates it destructive", rememberable: true });
    expect(decide({}, "t", undefined, false).reason).toBe("the server does not annotate it read-only");
    expect(decide({}, "t", { readOnlyHint: true, destructiveHint: true }, false).reason).toMatch(/both read-only and destructive/);
    expect(decide({ approve: "always" }, "t", READ_ONLY, false)).toMatchObject({ kind: "ask", rememberable: false });
  });

  it("denies by exact tool name only", () => {
    expect(isDenied({ denyTools: ["drop"] }, "drop")).toBe(true);
    expect(isDenied({ denyTools: ["drop"] }, "drop_all")).toBe(false);
    expect(isDenied({}, "drop")).toBe(false);
  });
});
