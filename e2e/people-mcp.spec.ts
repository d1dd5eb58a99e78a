import { expect, test } from "@playwright/test";
import { usePeopleTeam } from "./support/people-team";
import { bearerFetch } from "./support/team";

/**
 * People as a tool, end to end: an MCP agent (the official SDK client in this process, over Streamable HTTP with
 * its own API key) asks the team through /api/mcp on a production build; reviewers answer in /inbox in Chromium.
 * Security questions go to bob, legal ones to carol; the agent may answer none of its own.
 */
const ROUTING = {
  groups: { security: ["bob"], legal: ["carol"] },
  rules: [
    { match: { server: "people", specialty: "security" }, routeTo: ["security"], requesterMayAnswer: false },
    { match: { server: "people", specialty: "legal" }, routeTo: ["legal"], requesterMayAnswer: false },
  ],
};
const AGENT = "release_bot";

test.describe("people as a tool: an MCP agent asks, a reviewer answers in /inbox", () => {
  const people = usePeopleTeam(ROUTING, AGENT);

  test("ask_human waits while bob picks an option in /inbox, then returns it with who answered", async ({ browser }) => {
    const bob = await people.inboxOf(browser, "bob");
    const { client } = await people.agent();
    const question = "May the release ship with the new session cookie settings?";
    let returned = false;
    const progress: string[] = [];
    const waiting = client.callTool(
      {
        name: "ask_human",
        arguments: {
          question,
          context: "Cookies are now `SameSite=Lax` and **Secure**.",
          specialty: "security",
          answer: { type: "choice", options: ["ship", "needs changes", "block"] },
        },
      },
      { onprogress: (p) => progress.push(p.message ?? "") },
    );
    // Also marks a call that fails before the test awaits it (the test then fails on `returned` or the await).
    void waiting.then(
      () => (returned = true),
      () => (returned = true),
    );

    // It reaches bob's open inbox without a reload: the asking agent, the people server, the specialty.
    const row = bob.item(question);
    await expect(row).toContainText(AGENT);
    await expect(row).toContainText("via people");
    await expect(row).toContainText("Specialty: security");
    await row.click();
    await expect(bob.card).toContainText(question);
    await expect(bob.card).toContainText("Specialty: security");
    // Routed to security only: carol's inbox does not have it.
    const carols = (await (await bearerFetch(people.team.baseURL, people.team.users.carol.apiKey, "/api/inbox")).json()) as {
      items: unknown[];
    };
    expect(JSON.stringify(carols.items)).not.toContain(question);
    expect(returned).toBe(false);

    await bob.card.getByRole("combobox", { name: "Answer", exact: true }).selectOption("needs changes");
    await bob.card.getByRole("textbox", { name: "Comment", exact: true }).fill("Set the cookie's Path too.");
    await bob.card.getByRole("button", { name: "Accept", exact: true }).click();

    const result = await waiting;
    expect(result.isError).not.toBe(true);
    expect(result.structuredContent).toMatchObject({
      status: "answered",
      answer: "needs changes",
      comment: "Set the cookie's Path too.",
      answeredBy: { name: "bob", role: "reviewer" },
    });
    const { answeredAt } = result.structuredContent as { answeredAt?: string };
    expect(Date.parse(String(answeredAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(progress).toContain("waiting for security");
    await expect(row).toHaveCount(0);
  });

  test("ask_human with wait: false, then get_request until carol's free-text answer arrives", async ({ browser }) => {
    const carol = await people.inboxOf(browser, "carol");
    // A client that probes for the newest protocol (2026-07-28 here), unlike the first test's 2025 handshake.
    const asker = await people.agent("auto");
    expect(asker.client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    const question = "Is keeping invoices for 12 years compliant?";
    const asked = await asker.call("ask_human", { question, specialty: "legal", wait: false });
    expect(asked).toMatchObject({ status: "pending" });
    const id = String(asked.id);
    expect(await asker.call("get_request", { id })).toEqual({ id, status: "pending" });

    const row = carol.item(question);
    await expect(row).toContainText(AGENT);
    await expect(row).toContainText("Specialty: legal");
    await row.click();
    await expect(carol.card).toContainText(question);
    const answer = "**No.** Keep them for `10 years` at most, then delete.";
    await carol.card.getByRole("textbox", { name: "Answer", exact: true }).fill(answer);
    await carol.card.getByRole("button", { name: "Accept", exact: true }).click();
    await expect(row).toHaveCount(0);

    await expect.poll(async () => (await asker.call("get_request", { id })).status).toBe("answered");
    expect(await asker.call("get_request", { id })).toMatchObject({ id, answer, answeredBy: { name: "carol", role: "reviewer" } });
  });

  test("cancel_request takes the question out of bob's open inbox, without a reload", async ({ browser }) => {
    const bob = await people.inboxOf(browser, "bob");
    // Set on this page only: a reload or a navigation would lose it.
    await bob.page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const asker = await people.agent();
    const question = "Should the staging token be rotated tonight?";
    const { id } = await asker.call("ask_human", { question, specialty: "security", wait: false });
    const row = bob.item(question);
    await expect(row).toBeVisible();

    expect(await asker.call("cancel_request", { id })).toMatchObject({ id, status: "cancelled" });
    await expect(row).toHaveCount(0);
    expect(await bob.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await expect(bob.connection).toHaveAttribute("data-state", "live");
    const listed = await asker.call("list_requests", { status: "cancelled" });
    expect(listed.requests).toEqual(expect.arrayContaining([expect.objectContaining({ id, question, specialty: "security" })]));
  });
});
