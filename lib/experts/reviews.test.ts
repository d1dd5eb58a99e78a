/**
 * request_review over a real registry, review desk and the in-memory store: a reviewer approves, edits (the agent
 * gets the edited content and a diff) or rejects with reasons; four eyes count approvals of the same content only;
 * content nobody could review is refused before anyone is asked.
 */
import { describe, expect, it } from "vitest";
import { applyPatch } from "diff";
import { checkAccept } from "@/lib/elicitation/check-accept";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { ReviewDesk } from "@/lib/review/review-desk";
import { parseRoutingFile } from "@/lib/review/routing-file";
import { InvalidAskError } from "./answer-format";
import { MAX_SUBMISSION_BYTES } from "./contract";
import { replacement, unifiedDiff } from "./diff";
import { HumanRequests } from "./human-requests";
import { outcomeOf } from "./mcp-server";
import { MemoryHumanRequestStore } from "./request-store";

const agent = { id: "agent-id", name: "release-bot", role: "requester" as const };
const bob = { id: "bob-id", name: "bob", role: "reviewer" as const };
const carol = { id: "carol-id", name: "carol", role: "reviewer" as const };
const ROLES: Record<string, string> = { bob: "reviewer", carol: "reviewer" };
const NOTES = "# Release 2.3\n\nFaster sync.\nFixed the login bug.\n";

function setup(rule: Record<string, unknown> = {}) {
  const registry = new ElicitationRegistry();
  const file = parseRoutingFile(
    JSON.stringify({ groups: { writers: ["bob", "carol"] }, rules: [{ match: { server: "people" }, routeTo: ["writers"], ...rule }] }),
    "routing.json",
  );
  const desk = new ReviewDesk({ registry, rules: { current: () => file } });
  const requests = new HumanRequests({
    registry,
    store: new MemoryHumanRequestStore(),
    rolesOf: async (names) => names.map((n) => ROLES[n]),
  });
  return { registry, desk, requests };
}

describe("request_review", () => {
  it("shows the content on the card, and returns it as approved when the reviewer changes nothing", async () => {
    const { registry, desk, requests } = setup();
    const { request, done } = requests.review(agent, {
      content: NOTES,
      format: "markdown",
      criteria: "No customer names",
      title: "Release notes",
    });
    expect(registry.get(request.id)).toMatchObject({
      message: "Review: Release notes",
      submission: { content: NOTES, format: "markdown", criteria: "No customer names" },
      requestedSchema: { properties: { content: { default: NOTES } } },
    });
    expect(desk.inbox(bob).map((item) => item.data.id)).toEqual([request.id]);
    await desk.answer(request.id, { action: "accept", content: { content: NOTES, comment: "fine" } }, bob);
    const settled = await done;
    expect(outcomeOf(settled)).toMatchObject({ status: "answered", verdict: "approved", content: NOTES, comment: "fine" });
    expect(outcomeOf(settled).diff).toBeUndefined();
    expect(outcomeOf(settled).answer).toBeUndefined();
    expect(settled.answeredBy).toEqual({ name: "bob", role: "reviewer" });
  });

  it("returns the edited content and a unified diff from the submission when the reviewer edits", async () => {
    const { desk, requests } = setup();
    const { request, done } = requests.review(agent, { content: NOTES, format: "markdown" });
    const edited = NOTES.replace("Fixed the login bug.", "Fixed a sign-in bug.");
    await desk.answer(request.id, { action: "accept", content: { content: edited } }, bob);
    const outcome = outcomeOf(await done);
    expect(outcome).toMatchObject({ status: "answered", verdict: "edited", content: edited });
    expect(outcome.diff).toContain("-Fixed the login bug.");
    expect(outcome.diff).toContain("+Fixed a sign-in bug.");
    expect(outcome.diff).toContain("--- submitted");
  });

  it("rejects with the reviewer's reasons, and nothing to use", async () => {
    const { registry, desk, requests } = setup();
    const { request, done } = requests.review(agent, { content: NOTES });
    const result = await desk.answer(request.id, { action: "decline", reason: "Names a customer in line 3" }, carol);
    expect(result.kind).toBe("answered");
    const outcome = outcomeOf(await done);
    expect(outcome).toMatchObject({ status: "declined", verdict: "rejected", reasons: "Names a customer in line 3" });
    expect(outcome.content).toBeUndefined();
    // The card and the trail keep why.
    expect(registry.lookup(request.id)).toMatchObject({ settled: { status: "declined", note: "Names a customer in line 3" } });
  });

  it("with approvals: 2, counts two people approving the same content; an edit starts the count again", async () => {
    const { desk, requests } = setup({ approvals: 2 });
    const { request, done } = requests.review(agent, { content: NOTES });
    const edited = `${NOTES}Thanks to everyone.\n`;
    expect((await desk.answer(request.id, { action: "accept", content: { content: edited } }, bob)).kind).toBe("partial");
    // carol approves the original: not the same content, so bob's approval of his edit no longer counts.
    expect((await desk.answer(request.id, { action: "accept", content: { content: NOTES } }, carol)).kind).toBe("partial");
    expect((await desk.answer(request.id, { action: "accept", content: { content: NOTES } }, bob)).kind).toBe("answered");
    const settled = await done;
    expect(outcomeOf(settled)).toMatchObject({ verdict: "approved", content: NOTES, answeredBy: { name: "carol and bob" } });
  });

  it("takes CRLF content as the reviewer's text area gives it back: approved unchanged, not edited", async () => {
    const { desk, requests } = setup();
    const { request, done } = requests.review(agent, { content: "line one\r\nline two\r\n" });
    await desk.answer(request.id, { action: "accept", content: { content: "line one\nline two\n" } }, bob);
    expect(await done).toMatchObject({ verdict: "approved" });
  });

  it("refuses content whose approval would not fit an answer's body, escapes counted", () => {
    const { requests } = setup();
    // 30,000 characters, but each an escape of six in JSON: approving it unchanged would be 180 KB.
    expect(() => requests.review(agent, { content: "\u001b".repeat(30_000) })).toThrow(/at most 48 KiB/);
  });

  it("with approvals: 2, counts two approvals of the same content whatever each approver comments", async () => {
    const { desk, requests } = setup({ approvals: 2 });
    const { request, done } = requests.review(agent, { content: NOTES });
    expect((await desk.answer(request.id, { action: "accept", content: { content: NOTES, comment: "fine" } }, bob)).kind).toBe("partial");
    expect((await desk.answer(request.id, { action: "accept", content: { content: NOTES, comment: "ok by me" } }, carol)).kind).toBe(
      "answered",
    );
    expect(await done).toMatchObject({ verdict: "approved", answeredBy: { name: "bob and carol" } });
  });

  it("refuses JSON that does not parse and content over the limit before anyone sees it", () => {
    const { registry, requests } = setup();
    expect(() => requests.review(agent, { content: "{not json", format: "json" })).toThrow(InvalidAskError);
    expect(() => requests.review(agent, { content: "x".repeat(MAX_SUBMISSION_BYTES + 1) })).toThrow(/at most 48 KiB/);
    expect(registry.listPending()).toEqual([]);
  });

  it("refuses an edit of JSON content that no longer parses (422), and takes one that does", () => {
    const { registry, requests } = setup();
    const { request } = requests.review(agent, { content: '{"replicas": 2}', format: "json" });
    const pending = registry.get(request.id)!;
    expect(() => checkAccept(pending, { action: "accept", content: { content: '{"replicas": 3' } })).toThrow(/not valid JSON/);
    expect(() => checkAccept(pending, { action: "accept", content: { content: '{"replicas": 3}' } })).not.toThrow();
    expect(() => checkAccept(pending, { action: "accept", content: {} })).toThrow(/content/);
  });
});

describe("diffs of large edits", () => {
  it("keeps the diff computed when the review settled, and it applies to the submission to give the edit", async () => {
    const { desk, requests } = setup();
    // A reviewer who sorts a long list: an edit whose line diff is slow to find (given up after a moment for a
    // replacement patch, which applies all the same).
    const lines = Array.from({ length: 4_000 }, (_, i) => `item ${(i * 7_919) % 4_000}`);
    const submitted = `${lines.join("\n")}\n`;
    const sorted = `${[...lines].sort().join("\n")}\n`;
    const { request, done } = requests.review(agent, { content: submitted });
    await desk.answer(request.id, { action: "accept", content: { content: sorted } }, bob);
    const settled = await done;
    expect(settled.verdict).toBe("edited");
    expect(applyPatch(submitted, settled.diff!)).toBe(sorted);
    // What the agent reads is the kept diff, not one computed again per read.
    expect(outcomeOf({ ...settled, diff: "kept" }).diff).toBe("kept");
  });

  it("gives a patch that applies for small edits and for whole replacements", () => {
    for (const [before, after] of [
      ["a\nb\nc\n", "a\nB\nc\n"],
      ["one line", "another line"],
      ["", "new\n"],
    ]) {
      expect(applyPatch(before!, unifiedDiff(before!, after!))).toBe(after);
      expect(applyPatch(before!, replacement(before!, after!))).toBe(after);
    }
  });
});
