import { expect, test } from "@playwright/test";
import { saveScreenshot } from "./screenshots";
import { usePeopleTeam } from "./support/people-team";

/**
 * Reviews and restarts for people as a tool: an MCP agent (the official SDK client, its own API key) sends content
 * for review through /api/mcp, and bob (the editors' reviewer) edits, approves or rejects it in /inbox. A request
 * outlives a crash of the app: answered after the restart, the agent gets the answer.
 */
const ROUTING = {
  groups: { editors: ["bob"] },
  rules: [{ match: { server: "people" }, routeTo: ["editors"], requesterMayAnswer: false }],
};
const AGENT = "docs_bot";
const NOTES = "# Release 2.3\n\n- Faster sync\n- Fixed the login bug\n";

test.describe("people as a tool: reviews, and requests that outlive a restart", () => {
  const people = usePeopleTeam(ROUTING, AGENT);

  test("bob edits a review in /inbox: the agent gets the edited content and a diff", async ({ browser }) => {
    const bob = await people.inboxOf(browser, "bob");
    const reviewer = await people.agent();
    const waiting = reviewer.call("request_review", {
      content: NOTES,
      format: "markdown",
      title: "Release notes 2.3",
      criteria: "Plain words; no internal names.",
      specialty: "docs",
    });

    const row = bob.item("Review: Release notes 2.3");
    await expect(row).toContainText(AGENT);
    await expect(row.getByTestId("inbox-item-specialty")).toHaveText("docs");
    await row.click();
    await expect(bob.card.getByRole("heading", { name: "Review needed" })).toBeVisible();
    await expect(bob.card.getByTestId("submission-criteria")).toContainText("Plain words; no internal names.");
    // The markdown is shown rendered, as readers will see it.
    await expect(bob.card.getByTestId("submission-content").getByRole("heading", { name: "Release 2.3" })).toBeVisible();
    await expect(bob.card.getByRole("button", { name: "Approve", exact: true })).toBeEnabled();

    const editor = bob.card.getByTestId("submission-editor");
    await editor.fill(NOTES.replace("Fixed the login bug", "Fixed a sign-in bug"));
    const diff = bob.card.getByTestId("submission-diff");
    await expect(diff.locator('[data-change="removed"]')).toHaveText(["- - Fixed the login bug"]);
    await expect(diff.locator('[data-change="added"]')).toHaveText(["+ - Fixed a sign-in bug"]);
    await saveScreenshot(bob.page, "inbox-review.png");
    await bob.card.getByRole("button", { name: "Approve with edits" }).click();
    await expect(row).toHaveCount(0);

    const result = await waiting;
    expect(result).toMatchObject({
      status: "answered",
      verdict: "edited",
      content: NOTES.replace("Fixed the login bug", "Fixed a sign-in bug"),
      answeredBy: { name: "bob", role: "reviewer" },
    });
    expect(result.diff).toContain("-- Fixed the login bug");
    expect(result.diff).toContain("+- Fixed a sign-in bug");
  });

  test("bob rejects a review: the reasons are required, and the agent gets them with no content to use", async ({ browser }) => {
    const bob = await people.inboxOf(browser, "bob");
    const reviewer = await people.agent();
    const asked = await reviewer.call("request_review", { content: "We beat ACME Corp on price.", title: "Tweet", wait: false });
    const id = String(asked.id);
    await bob.item("Review: Tweet").click();
    await bob.card.getByRole("button", { name: "Reject" }).click();
    await expect(bob.card.getByRole("alert")).toContainText("Say why you reject it");
    await bob.card.getByTestId("submission-reasons").fill("Names a competitor.");
    await bob.card.getByRole("button", { name: "Reject" }).click();
    await expect(bob.item("Review: Tweet")).toHaveCount(0);
    await expect.poll(async () => (await reviewer.call("get_request", { id })).status).toBe("declined");
    const outcome = await reviewer.call("get_request", { id });
    expect(outcome).toMatchObject({ verdict: "rejected", reasons: "Names a competitor.", answeredBy: { name: "bob" } });
    expect(outcome.content).toBeUndefined();
  });

  test("a request waiting when the app is killed is still waiting after the restart, and its answer reaches the agent", async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    const asker = await people.agent();
    const question = "Can we rotate the signing key on Friday?";
    const asked = await asker.call("ask_human", { question, specialty: "security", wait: false, deadline: 3_600 });
    const id = String(asked.id);
    await asker.close();

    await people.team.restart();

    const polling = await people.agent();
    expect(await polling.call("get_request", { id })).toEqual({ id, status: "pending" });
    const bob = await people.inboxOf(browser, "bob");
    await bob.item(question).click();
    await bob.card.getByRole("textbox", { name: "Answer", exact: true }).fill("Yes, after the freeze lifts.");
    await bob.card.getByRole("button", { name: "Accept", exact: true }).click();
    await expect.poll(async () => (await polling.call("get_request", { id })).status).toBe("answered");
    expect(await polling.call("get_request", { id })).toMatchObject({
      answer: "Yes, after the freeze lifts.",
      answeredBy: { name: "bob" },
    });
  });
});
