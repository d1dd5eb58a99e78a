import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { InboxPage } from "./pages/inbox-page";
import { startTeamServer, type TeamMember, type TeamServer } from "./support/team";

/**
 * The chat agent's ask_expert tool in Chromium, on a production build with a team: alice types `ask security: ...`,
 * the offline model asks the team, the question reaches bob's /inbox (security questions go to bob), bob answers,
 * and alice's card and the assistant's reply carry his answer.
 */
const ROUTING = {
  groups: { security: ["bob"] },
  rules: [{ match: { specialty: "security" }, routeTo: ["security"], requesterMayAnswer: false }],
};

test.describe("asking an expert from the chat", () => {
  let team: TeamServer;

  test.beforeAll(async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-ask-expert-"));
    const routingFile = path.join(folder, "routing.json");
    writeFileSync(routingFile, JSON.stringify(ROUTING));
    team = await startTeamServer({ env: { ROUTING_FILE: routingFile } });
  });
  test.afterAll(async () => {
    await team?.stop();
  });

  async function as(browser: Browser, name: TeamMember): Promise<Page> {
    const context = await browser.newContext();
    await team.signIn(context, name);
    return context.newPage();
  }

  test("alice asks security in the chat, bob answers in /inbox, and the answer comes back into her turn", async ({ browser }) => {
    const bob = new InboxPage(await as(browser, "bob"));
    await bob.open(team.baseURL);
    const alice = new ChatPage(await as(browser, "alice"));
    await alice.page.goto(`${team.baseURL}/`);
    await expect(alice.composer).toBeVisible();

    const question = "is this clause compliant?";
    await alice.send(`ask security: ${question}\nClause 7: access logs are kept for 10 years.`);
    const card = alice.page.getByTestId("ask-expert-card");
    await expect(card).toHaveAttribute("data-status", "pending");
    await expect(card.getByTestId("ask-expert-heading")).toHaveText("Waiting for an expert (security)");
    await expect(card.getByTestId("ask-expert-question")).toHaveText(question);
    await expect(card.getByTestId("ask-expert-progress")).toHaveText("Routed to security");
    // alice sees the tool's card only: the question itself is for the experts.
    await expect(alice.approvalCards).toHaveCount(0);

    // In bob's open inbox without a reload, from alice, with the chat's last messages as context.
    const row = bob.items.filter({ hasText: question });
    await expect(row).toContainText("alice");
    await expect(row).toContainText("via people");
    await row.click();
    await expect(bob.card).toContainText(question);
    await expect(bob.card).toContainText("Specialty: security");
    await expect(bob.context).toContainText("Clause 7: access logs are kept for 10 years.");
    const answer = "No: keep access logs for 5 years at most (policy 4.2).";
    await bob.card.getByRole("textbox", { name: "Answer", exact: true }).fill(answer);
    await bob.card.getByRole("button", { name: "Accept", exact: true }).click();
    await expect(row).toHaveCount(0);

    await expect(card).toHaveAttribute("data-status", "answered");
    await expect(card.getByTestId("ask-expert-heading")).toHaveText("An expert answered (security)");
    await expect(card.getByTestId("ask-expert-answer")).toHaveText(answer);
    await expect(card.getByTestId("ask-expert-by")).toContainText("Answered by bob (reviewer)");
    await alice.waitForIdle();
    const reply = alice.lastAssistantMessage();
    await expect(reply).toContainText("bob (reviewer) answered the security question:");
    await expect(reply).toContainText(answer);

    // A reload shows the same card, answered, from the stored conversation.
    await alice.page.reload();
    await expect(alice.page.getByTestId("ask-expert-card")).toHaveAttribute("data-status", "answered");
    await expect(alice.page.getByTestId("ask-expert-answer")).toHaveText(answer);
  });
});
