import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { expectNoSeriousViolations } from "./support/axe";
import { startTeamServer, type TeamServer } from "./support/team";
import { freshFolder } from "./workspace";

/**
 * Every page, in light and dark: no serious or critical axe-core violation (WCAG 2.1 AA). The chat (with its
 * conversation list), the inbox and the audit trail are checked on the main (single-user) server; the sign-in page
 * on an instance with users.
 */
const SCHEMES = ["light", "dark"] as const;

for (const colorScheme of SCHEMES) {
  test.describe(`accessibility, ${colorScheme}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme });
    });

    test("the empty chat has a main landmark", async ({ page }) => {
      const chat = new ChatPage(page);
      await chat.open();
      await expectNoSeriousViolations(page);
      await expect(page.getByRole("main")).toBeVisible();
    });

    test("the chat with a pending approval card and its conversation in the list, and the inbox showing it", async ({ page, context }) => {
      const chat = new ChatPage(page);
      await chat.open();
      const folder = freshFolder(`axe-${colorScheme}`);
      await chat.send(`run \`rm -rf ${folder.name}\``);
      const card = chat.approvalCards.last();
      await expect(card).toHaveAttribute("data-status", "pending");
      await expect(card.getByRole("button", { name: "Accept", exact: true })).toBeEnabled();
      await expectNoSeriousViolations(page);

      const inbox = await context.newPage();
      await inbox.emulateMedia({ colorScheme });
      await openInbox(inbox, folder.name);
      await expectNoSeriousViolations(inbox);
      await inbox.close();

      // Leave nothing waiting for the next test; once the turn ends, the conversation is in the list.
      await chat.answer(card, "Decline");
      await expect(card).toHaveAttribute("data-status", "declined");
      await chat.waitForIdle();
      await expect(page.getByRole("navigation", { name: "Conversations" }).getByRole("listitem").first()).toBeVisible();
      await expectNoSeriousViolations(page);
    });

    test("the audit trail", async ({ page }) => {
      await page.goto("/audit");
      await expect(page.getByRole("main").getByRole("columnheader", { name: "Outcome" })).toBeVisible();
      await expectNoSeriousViolations(page);
    });
  });
}

test.describe("accessibility of the sign-in page (an instance with users)", () => {
  let team: TeamServer;
  test.beforeAll(async () => {
    team = await startTeamServer();
  });
  test.afterAll(async () => {
    await team?.stop();
  });

  for (const colorScheme of SCHEMES) {
    test(`sign-in, ${colorScheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme });
      await page.goto(`${team.baseURL}/sign-in`);
      await expect(page.getByLabel("Name")).toBeFocused();
      await expectNoSeriousViolations(page);
      await expect(page.getByRole("main")).toBeVisible();
    });
  }
});

/** /inbox with the question whose command names `text` selected, its card shown. */
async function openInbox(page: Page, text: string): Promise<void> {
  await page.goto("/inbox");
  await expect(page.getByTestId("inbox-connection")).toHaveAttribute("data-state", "live");
  await page.getByTestId("inbox-item").filter({ hasText: text }).click();
  await expect(page.getByTestId("inbox-detail").getByTestId("elicitation-card")).toBeVisible();
}
