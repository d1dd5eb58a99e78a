import { rmSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { UPSTREAM_DOWN, UPSTREAM_DOWN_FLAG } from "./modern-server";
import { ChatPage } from "./pages/chat-page";

/**
 * "deploys" in mcp.e2e.json: a 2026-07-28 server over Streamable HTTP (`"protocol": "auto"`) whose tool answers
 * with `input_required`; the app retries the call with the person's answer (mcp.e2e.json lets `deploy` through the
 * client-side approval gate, so the card is the server's own question). Also: the same server with its upstream
 * down is named in the chat while the reply goes on with the shell server.
 */
test.describe("a 2026-07-28 server over Streamable HTTP", () => {
  let chat: ChatPage;
  test.beforeEach(async ({ page }) => {
    chat = new ChatPage(page);
    await chat.open();
  });

  test("its question arrives as a card; Accept completes the retried call with the answer", async () => {
    await chat.send('use `deploys.deploy` {"service": "web"}');
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    await expect(card).toContainText("deploys");
    await expect(card).toContainText("Deploy web? Choose a target.");
    const accept = card.getByRole("button", { name: "Accept", exact: true });
    await card.getByRole("combobox", { name: "target" }).selectOption("production");
    await card.getByRole("checkbox", { name: "confirm" }).check();
    await expect(accept).toBeEnabled();
    await accept.click();

    await expect(card).toHaveAttribute("data-status", "accepted");
    const answer = chat.lastAssistantMessage();
    await expect(answer).toContainText('"deployed":true');
    await expect(answer).toContainText('"target":"production"');
  });

  test("Decline ends the call without deploying", async () => {
    await chat.send('use `deploys.deploy` {"service": "db"}');
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    await chat.answer(card, "Decline");
    await expect(card).toHaveAttribute("data-status", "declined");
    await chat.waitForIdle();
    await expect(chat.lastAssistantMessage()).toContainText("declined");
    await expect(chat.lastAssistantMessage()).not.toContainText('"deployed"');
  });

  test("with its upstream down, the chat names it and the reply goes on with the other servers", async () => {
    writeFileSync(UPSTREAM_DOWN_FLAG, "");
    try {
      await chat.send("run `pwd`");
      const notice = chat.page.getByTestId("server-notice");
      await expect(notice).toHaveCount(1);
      await expect(notice).toHaveAttribute("data-server", "deploys");
      await expect(notice).toContainText("MCP server “deploys” is unavailable");
      await expect(notice).toContainText(UPSTREAM_DOWN);
      await chat.waitForIdle();
      await expect(chat.commandCards.last()).toContainText("pwd");
    } finally {
      rmSync(UPSTREAM_DOWN_FLAG, { force: true });
    }
  });
});
