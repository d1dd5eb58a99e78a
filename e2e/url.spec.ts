import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";

/** URL-mode elicitations from @modelcontextprotocol/server-everything (configured through mcp.json). */
test.describe("URL requests", () => {
  test("show the address with its domain, open it only on consent, and tell the server", async ({ page, context }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const opened: string[] = [];
    await context.route("https://login.example.com/**", (route) => {
      opened.push(route.request().url());
      return route.fulfill({ body: "<h1>Signed in</h1>", contentType: "text/html" });
    });
    await chat.send(
      'use `everything.trigger-url-elicitation` {"url": "https://login.example.com/authorize?client=chat", "message": "Sign in to continue"}',
    );
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    await expect(card.getByTestId("elicitation-url")).toHaveText("https://login.example.com/authorize?client=chat");
    await expect(card.getByTestId("elicitation-url-domain")).toHaveText("example.com");
    await expect(card).toContainText("Sign in to continue");
    await expect(card.getByRole("link")).toHaveCount(0);
    expect(opened).toEqual([]);

    const popup = context.waitForEvent("page");
    await card.getByRole("button", { name: "Open link" }).click();
    const tab = await popup;
    await tab.waitForLoadState();
    expect(opened).toEqual(["https://login.example.com/authorize?client=chat"]);
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    await tab.close();

    await expect(card).toHaveAttribute("data-status", "accepted");
    await expect(chat.lastAssistantMessage()).toContainText("User completed the URL elicitation flow");
  });

  test("warn about a punycode host", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send('use `everything.trigger-url-elicitation` {"url": "https://xn--exmple-cua.com/login"}');
    const card = chat.approvalCards.last();
    await expect(card).toContainText("punycode");
    await chat.answer(card, "Decline");
    await expect(card).toHaveAttribute("data-status", "declined");
  });

  test("show the URLs a -32042 error carries, and tell the model to retry after", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send('use `everything.trigger-url-elicitation` {"url": "https://example.com/pay", "errorPath": true}');
    const card = chat.approvalCards.last();
    await expect(card.getByTestId("elicitation-url-domain")).toHaveText("modelcontextprotocol.io");
    await expect(chat.lastAssistantMessage()).toContainText("call the tool again");
    await expect(card).toHaveAttribute("data-status", "pending");
    await chat.answer(card, "Cancel");
    await expect(card).toHaveAttribute("data-status", "cancelled");
  });
});
