import { expect, test, type Locator } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";

/** @modelcontextprotocol/server-everything, configured through mcp.json, asks for every kind of field. */
test.describe("forms from a third-party MCP server", () => {
  let chat: ChatPage;
  let card: Locator;
  test.beforeEach(async ({ page }) => {
    chat = new ChatPage(page);
    await chat.open();
    await chat.send("use `everything.trigger-elicitation-request`");
    card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    await expect(card).toContainText("everything");
  });

  test("fill every field as a person would, Accept, and the server echoes exactly that", async () => {
    const accept = card.getByRole("button", { name: "Accept", exact: true });
    await expect(card.getByLabel("String with default")).toHaveValue("It was a dark and stormy night.");
    await expect(card.getByLabel("Integer", { exact: true })).toHaveValue("42");
    await expect(accept).toBeDisabled(); // "String" (name) is required and empty

    await card.getByRole("textbox", { name: "String", exact: true }).fill("Ada Lovelace");
    await card.getByLabel("Boolean", { exact: true }).check();
    await card.getByLabel("String with email format").fill("not-an-email");
    await expect(card).toContainText("must be a valid email");
    await expect(accept).toBeDisabled();
    await card.getByLabel("String with email format").fill("ada@example.com");
    await card.getByLabel("String with uri format").fill("https://ada.example.com");
    await card.getByLabel("String with date format").fill("1815-12-10");
    await card.getByLabel("Integer", { exact: true }).fill("7");
    await card.getByLabel("Number in range 1-1000").fill("2.5");
    await card.getByLabel("Untitled Single Select Enum", { exact: true }).selectOption("Joey");
    await card.getByRole("group", { name: "Untitled Multiple Select Enum" }).getByLabel("Piano").check();
    await card.getByLabel("Titled Single Select Enum", { exact: true }).selectOption({ label: "Wonder Woman" });
    await card.getByRole("group", { name: "Titled Multiple Select Enum", exact: true }).getByLabel("Salmon").check();
    await card.getByLabel("Legacy Titled Single Select Enum").selectOption({ label: "Dogs" });
    await expect(accept).toBeEnabled();
    await accept.click();

    await expect(card).toHaveAttribute("data-status", "accepted");
    const answer = chat.lastAssistantMessage();
    await expect(answer).toContainText("User provided the requested information");
    const echoed = (await answer.textContent()) ?? "";
    for (const expected of [
      '"name": "Ada Lovelace"',
      '"check": true',
      '"email": "ada@example.com"',
      '"homepage": "https://ada.example.com"',
      '"birthdate": "1815-12-10"',
      '"integer": 7',
      '"number": 2.5',
      '"untitledSingleSelectEnum": "Joey"',
      '"titledSingleSelectEnum": "hero-3"',
      '"legacyTitledEnum": "pet-2"',
      '"firstLine": "It was a dark and stormy night."',
      '"untitledMultipleSelectEnum": [ "Guitar", "Piano" ]',
      '"titledMultipleSelectEnum": [ "fish-1", "fish-2" ]',
    ]) {
      expect(echoed.replace(/\s+/g, " ")).toContain(expected);
    }
  });

  test("Decline gives the server's own decline answer", async () => {
    await chat.answer(card, "Decline");
    await expect(card).toHaveAttribute("data-status", "declined");
    await expect(chat.lastAssistantMessage()).toContainText("User declined");
  });

  test("Cancel gives the server's own cancel answer", async () => {
    await chat.answer(card, "Cancel");
    await expect(card).toHaveAttribute("data-status", "cancelled");
    await expect(chat.lastAssistantMessage()).toContainText("User cancelled");
  });
});
