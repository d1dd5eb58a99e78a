import { existsSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { ThreadList } from "./pages/thread-list";
import { commandsRunningIn, freshFolder } from "./workspace";
import { saveScreenshot } from "./screenshots";

/**
 * The conversation list. Other specs share this server's database, so each test finds its own conversations by
 * titles made unique with a fresh folder's name.
 */

/** Sends a read-only command (it runs at once) and waits for the turn to end: the conversation is then listed. */
async function startConversation(chat: ChatPage, prefix: string): Promise<string> {
  const title = `run \`ls ${freshFolder(prefix).name}\``;
  await chat.send(title);
  await expect(chat.commandCards.last()).toContainText("exit 0");
  await chat.waitForIdle();
  return title;
}

/** A value kept on window: still there after a switch means the page was not reloaded. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { pageMark: string }).pageMark = "same page"));
}
const pageMark = (page: Page) => page.evaluate(() => (window as unknown as { pageMark?: string }).pageMark);

const userMessages = (page: Page) => page.locator('[data-role="user"]');

test("new, switch (with back and forward), rename, search and delete, without reloading the page", async ({ page }) => {
  const chat = new ChatPage(page);
  const list = new ThreadList(page);
  await chat.open();
  await markPage(page);

  const first = await startConversation(chat, "first");
  const firstId = list.threadId();
  await expect(list.link(first)).toHaveAttribute("aria-current", "page");

  await list.newButton.click();
  await expect(userMessages(page)).toHaveCount(0);
  expect(list.threadId()).not.toBe(firstId);
  const second = await startConversation(chat, "second");
  const secondId = list.threadId();
  await expect(list.link(second)).toHaveAttribute("aria-current", "page");
  // Newest first.
  await expect.poll(async () => (await list.titles()).slice(0, 2)).toEqual([second, first]);
  await saveScreenshot(page, "conversation-list.png");

  await list.link(first).click();
  await expect(userMessages(page)).toHaveText([first]);
  expect(list.threadId()).toBe(firstId);
  await expect(list.link(first)).toHaveAttribute("aria-current", "page");
  await page.goBack();
  await expect(userMessages(page)).toHaveText([second]);
  expect(list.threadId()).toBe(secondId);
  await page.goForward();
  await expect(userMessages(page)).toHaveText([first]);
  expect(await pageMark(page)).toBe("same page");

  const renamed = `Renamed ${first.slice(-12)}`;
  await list.rename(first, renamed);
  await expect(list.link(first)).toHaveCount(0);
  // Renaming is not activity: the order stays.
  await expect.poll(async () => (await list.titles()).slice(0, 2)).toEqual([second, renamed]);

  await list.search.fill(second.slice(8));
  await list.expectTitles([second]);
  await list.search.fill("%");
  await expect(list.nav.getByRole("status")).toHaveText("No conversation title contains “%”.");
  await list.search.fill("");
  await expect(list.link(renamed)).toBeVisible();

  // Deleting the open conversation opens a new one.
  await list.delete(renamed);
  expect(list.threadId()).not.toBe(firstId);
  await expect(userMessages(page)).toHaveCount(0);
  expect((await page.request.get(`/api/chat/threads/${firstId}`)).status()).toBe(404);
  await expect(list.link(second)).toBeVisible();
  expect(await pageMark(page)).toBe("same page");

  // A reload restores from the server.
  await list.link(second).click();
  await page.reload();
  await expect(userMessages(page)).toHaveText([second]);
  await expect(chat.commandCards.last()).toContainText("exit 0");
});

test("keyboard: a shortcut for a new conversation, arrow keys and Enter in the list, F2 renames", async ({ page }) => {
  const chat = new ChatPage(page);
  const list = new ThreadList(page);
  await chat.open();
  const older = await startConversation(chat, "key-older");
  await page.keyboard.press("Control+Shift+O");
  await expect(userMessages(page)).toHaveCount(0);
  const newer = await startConversation(chat, "key-newer");

  await list.search.focus();
  await page.keyboard.press("ArrowDown");
  await expect(list.link(newer)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(list.link(older)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(userMessages(page)).toHaveText([older]);

  await list.link(older).focus();
  await page.keyboard.press("F2");
  const input = list.nav.getByRole("textbox", { name: "New title" });
  await expect(input).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(list.link(older)).toBeVisible();
});

test("deleting a conversation with a pending question cancels it: nothing runs", async ({ page }) => {
  const chat = new ChatPage(page);
  const list = new ThreadList(page);
  await chat.open();
  const folder = freshFolder("deleted-pending");
  const title = `run \`rm -rf ${folder.name}\``;
  await chat.send(title);
  const card = chat.approvalCards.last();
  await expect(card).toHaveAttribute("data-status", "pending");
  const cardId = await card.getAttribute("data-elicitation-id");
  // Saved before the turn ran: listed at once, while it waits, without a search or a switch.
  await expect(list.link(title)).toBeVisible();
  await list.search.fill(folder.name);
  await list.expectTitles([title]);

  await list.delete(title);
  const question = await (await page.request.get(`/api/elicitations/${cardId}`)).json();
  expect(question).toMatchObject({ settled: { status: "cancelled" } });
  await expect.poll(() => commandsRunningIn(folder.name)).toEqual([]);
  expect(existsSync(folder.path)).toBe(true);
});

test("at 375 px the list is a drawer opened by a labelled button", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const chat = new ChatPage(page);
  const list = new ThreadList(page);
  await chat.open();
  const older = await startConversation(chat, "phone-older");
  // The phone's top bar has its own New button.
  await list.newButton.click();
  const newer = await startConversation(chat, "phone-newer");

  await expect(list.nav).toBeHidden();
  await expect(list.drawerButton).toHaveAttribute("aria-expanded", "false");
  await list.drawerButton.click();
  await expect(list.nav).toBeVisible();
  await expect(list.search).toBeFocused();
  await expect(list.drawerButton).toHaveAttribute("aria-expanded", "true");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  await list.link(older).click();
  await expect(list.nav).toBeHidden();
  await expect(userMessages(page)).toHaveText([older]);

  await list.drawerButton.click();
  await expect(list.link(newer)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(list.nav).toBeHidden();
  await expect(list.drawerButton).toBeFocused();
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`the list has no serious accessibility violation (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const chat = new ChatPage(page);
    await chat.open();
    await startConversation(chat, `axe-list-${colorScheme}`);
    await expect(page.getByRole("main")).toBeVisible();
    const results = await new AxeBuilder({ page }).include("nav").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const serious = results.violations.filter((violation) => ["serious", "critical"].includes(violation.impact ?? ""));
    expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);
  });
}
