import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { startAppInstance, type AppInstance } from "./support/app-instance";
import { answer, askForCard, storedCard } from "./support/chat-api";
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

/**
 * Two instances on the same database both show the question restored after the crash; two people answer at the
 * same moment, one on each. The claim lets exactly one answer through (the other gets 409 with its outcome), and the
 * command (an append, so a second run would show) runs once.
 */
test("two instances answering the same restored question at once: one 200, one 409, the command runs once", async () => {
  test.setTimeout(180_000);
  const first = await startAppInstance();
  const others: AppInstance[] = [];
  try {
    const folder = freshFolder("twice");
    const { card } = await askForCard(first.baseURL, `run \`echo ran >> ${folder.name}/log.txt\``);
    await first.kill();
    others.push(await startAppInstance({ databaseUrl: first.databaseUrl }), await startAppInstance({ databaseUrl: first.databaseUrl }));
    const responses = await Promise.all(others.map((instance) => answer(instance.baseURL, card.id, { action: "accept", content: {} })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const log = path.join(folder.path, "log.txt");
    await expect.poll(() => existsSync(log), { timeout: 30_000 }).toBe(true);
    // Time for a second run to show, if there were one.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(readFileSync(log, "utf8")).toBe("ran\n");
  } finally {
    await first.kill();
    await Promise.all(others.map((instance) => instance.stop()));
  }
});

/**
 * A server that speaks only MCP 2025-11-25 keeps its question in its open request: that cannot outlive the process,
 * so after the crash the card says expired ("the server restarted; nothing ran") and cannot be answered.
 */
test("a legacy server's pending question is expired after the restart, and cannot be answered", async () => {
  test.setTimeout(180_000);
  const first = await startAppInstance();
  let second: AppInstance | undefined;
  try {
    const { threadId, card } = await askForCard(first.baseURL, "use `everything.trigger-elicitation-request`");
    expect(card.durable).toBeUndefined();
    await first.kill();
    second = await startAppInstance({ databaseUrl: first.databaseUrl });
    const restored = await storedCard(second.baseURL, threadId, card.id);
    expect(restored).toMatchObject({ status: "expired", note: "the server restarted; nothing ran" });
    expect((await answer(second.baseURL, card.id, { action: "accept", content: {} })).status).toBe(404);
  } finally {
    await first.kill();
    await second?.stop();
  }
});
