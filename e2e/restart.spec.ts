import { existsSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { startAppInstance, type AppInstance } from "./support/app-instance";
import { commandsRunningIn, freshFolder } from "./workspace";

/**
 * A crash while a question waits: the app is killed with SIGKILL, started again on the same database, and the
 * conversation opens from the server with its messages, the card expired ("the server restarted; nothing ran"),
 * and the command never run.
 */
test("a card pending when the server is killed shows expired after the restart, and nothing ran", async ({ browser }) => {
  test.setTimeout(180_000);
  const first = await startAppInstance();
  let second: AppInstance | undefined;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const chat = new ChatPage(page);
    await page.goto(first.baseURL);
    await expect(chat.composer).toBeVisible();
    const folder = freshFolder("restart");
    const asked = `run \`rm -rf ${folder.name}\``;
    await chat.send(asked);
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    const cardId = await card.getAttribute("data-elicitation-id");
    const threadId = new URL(page.url()).searchParams.get("thread");
    // The reply with its card is stored within a quarter second of the card appearing.
    await expect
      .poll(async () => JSON.stringify(await (await page.request.get(`${first.baseURL}/api/chat/threads/${threadId}`)).json()))
      .toContain(`"id":"${cardId}"`);

    await first.kill();
    second = await startAppInstance({ databaseUrl: first.databaseUrl });
    await page.goto(`${second.baseURL}/?thread=${threadId}`);

    await expect(page.locator('[data-role="user"]')).toHaveText([asked]);
    const restored = chat.approvalCards.last();
    await expect(restored).toHaveAttribute("data-elicitation-id", cardId ?? "");
    await expect(restored).toHaveAttribute("data-status", "expired");
    await expect(restored.getByTestId("elicitation-outcome")).toHaveText("Expired: the server restarted; nothing ran");
    await expect(restored.getByRole("button", { name: "Accept", exact: true })).toHaveCount(0);
    // Listed, too.
    await expect(page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: asked, exact: true })).toBeVisible();
    expect(commandsRunningIn(folder.name)).toEqual([]);
    expect(existsSync(folder.path)).toBe(true);
  } finally {
    await context.close();
    await first.kill();
    await second?.stop();
  }
});
