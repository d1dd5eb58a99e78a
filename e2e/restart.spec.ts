import { existsSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { startAppInstance, type AppInstance } from "./support/app-instance";
import { commandsRunningIn, freshFolder } from "./workspace";

/**
 * A crash while a question waits: the app is killed with SIGKILL, started again on the same database, and the
 * conversation opens from the server with its messages and the card still pending (the bundled server speaks
 * MCP 2026-07-28: the turn was suspended into storage, nothing holds it open). Nothing ran meanwhile; Accept
 * resumes the turn, the command runs once, and the agent's reply streams into the page.
 */
test("a card pending when the server is killed is still pending after the restart, and Accept resumes the turn", async ({ browser }) => {
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
    await expect(restored).toHaveAttribute("data-status", "pending");
    // Listed, too.
    await expect(page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: asked, exact: true })).toBeVisible();
    expect(commandsRunningIn(folder.name)).toEqual([]);
    expect(existsSync(folder.path)).toBe(true);

    const accept = restored.getByRole("button", { name: "Accept", exact: true });
    await expect(accept).toBeEnabled();
    await accept.click();
    await expect(restored).toHaveAttribute("data-status", "accepted");
    await expect.poll(() => existsSync(folder.path), { timeout: 30_000 }).toBe(false);
    // The rest of the turn streams into the same conversation: the agent says what ran.
    await expect(page.locator('[data-role="assistant"]').last()).toContainText(`Ran rm -rf ${folder.name}`, { timeout: 30_000 });
  } finally {
    await context.close();
    await first.kill();
    await second?.stop();
  }
});
