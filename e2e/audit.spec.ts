import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { freshFolder } from "./workspace";
import { saveScreenshot } from "./screenshots";

/** Serious and critical axe-core violations (WCAG 2.1 AA) on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} at ${node.target.join(" ")}`));
}

test.describe("the audit trail", () => {
  test("an approved command is in /audit (asked, answered, ran) and in its CSV export; the chain verifies", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const folder = freshFolder("audited");
    const command = `rm -rf ${folder.name}`;
    await chat.send(`run \`${command}\``);
    const card = chat.approvalCards.last();
    await chat.answer(card, "Accept");
    await expect(chat.commandCards.last()).toContainText("exit 0");
    await chat.waitForIdle();

    await page.goto("/audit?server=shell");
    const main = page.getByRole("main");
    await expect(main.getByRole("columnheader", { name: "Outcome" })).toBeVisible();
    const asked = main.locator('[data-testid="audit-row"][data-type="asked"]', { hasText: command });
    await expect(asked).toHaveCount(1);
    const questionId = await asked.locator("[title]").first().getAttribute("title");
    expect(questionId).toBeTruthy();
    const ofQuestion = main.getByTestId("audit-row").filter({ has: page.locator(`[title="${questionId}"]`) });
    const types = await ofQuestion.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-type")));
    expect(types).toEqual(["ran", "answered", "asked"]);
    await expect(ofQuestion.filter({ hasText: "exit 0" })).toHaveCount(1);
    await expect(ofQuestion.filter({ hasText: "accepted" })).toHaveCount(1);

    const downloaded = page.waitForEvent("download");
    await main.getByRole("link", { name: "CSV" }).click();
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    const rows = csv.split("\r\n").filter((line) => line.includes(`,${questionId},`));
    expect(rows.map((row) => row.split(",")[2])).toEqual(["asked", "answered", "ran"]);
    expect(rows[2]).toContain("exit 0");
    expect(csv.split("\r\n")[0]).toBe("seq,at,type,questionId,conversationId,actor,serverName,toolName,outcome,details,prevHash,hash");

    await main.getByRole("button", { name: "Verify chain" }).click();
    await expect(main.getByTestId("audit-verify-status")).toContainText(/Chain intact: \d+ entries verified/);
    await saveScreenshot(page, "audit.png");
  });

  test("filters narrow the table, and the page is accessible in light and dark and fits a phone", async ({ page }) => {
    await page.goto("/audit");
    const main = page.getByRole("main");
    await main.getByRole("combobox", { name: "Type" }).selectOption("answered");
    await main.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/type=answered/);
    const types = await main.getByTestId("audit-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-type")));
    expect(new Set(types)).toEqual(new Set(types.length ? ["answered"] : []));
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousViolations(page), colorScheme).toEqual([]);
    }
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/audit");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
  });
});
