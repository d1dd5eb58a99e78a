import { expect, type Locator, type Page } from "@playwright/test";

/** The chat as a person sees it: a composer, messages, tool cards and approval cards. */
export class ChatPage {
  readonly composer: Locator;
  readonly approvalCards: Locator;
  readonly commandCards: Locator;
  readonly modelLabel: Locator;
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
    this.composer = page.getByRole("textbox", { name: "Message" });
    this.approvalCards = page.getByTestId("elicitation-card");
    this.commandCards = page.getByTestId("run-command-card");
    this.modelLabel = page.getByTestId("model-label");
  }

  async open(): Promise<void> {
    await this.page.goto("/");
    await expect(this.composer).toBeVisible();
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  lastAssistantMessage(): Locator {
    return this.page.locator('[data-role="assistant"]').last();
  }

  async answer(card: Locator, action: "Accept" | "Decline" | "Cancel"): Promise<void> {
    await card.getByRole("button", { name: action, exact: true }).click();
  }

  /** Waits until the agent has finished its turn (the Send button is back). */
  async waitForIdle(): Promise<void> {
    await expect(this.page.getByRole("button", { name: "Send" })).toBeVisible();
  }
}
