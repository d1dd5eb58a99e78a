import { expect, type Locator, type Page } from "@playwright/test";

const ANSWER_KEYS: Partial<Record<string, string>> = { a: "accept", d: "decline", c: "cancel" };

/** The reviewer inbox as a person sees it: the live list, the filters, the selected question's card. */
export class InboxPage {
  readonly page: Page;
  readonly items: Locator;
  readonly card: Locator;
  readonly context: Locator;
  readonly connection: Locator;

  constructor(page: Page) {
    this.page = page;
    this.items = page.getByTestId("inbox-item");
    this.card = page.getByTestId("inbox-detail").getByTestId("elicitation-card");
    this.context = page.getByTestId("inbox-context");
    this.connection = page.getByTestId("inbox-connection");
  }

  /** Opens /inbox on `baseURL` and waits until its stream is live. */
  async open(baseURL: string): Promise<void> {
    await this.page.goto(`${baseURL}/inbox`);
    await expect(this.page.getByRole("main")).toBeVisible();
    await expect(this.connection).toHaveAttribute("data-state", "live");
  }

  /** The row of the question whose command contains `text`. */
  item(text: string): Locator {
    return this.items.filter({ has: this.page.getByTestId("inbox-item-what").filter({ hasText: text }) });
  }

  /** Selects the row (as `j`/`k` would) and waits for its card. */
  async select(text: string): Promise<void> {
    await this.item(text).click();
    await expect(this.card.getByTestId("elicitation-command")).toContainText(text);
  }

  /**
   * A keyboard shortcut, pressed with nothing focused that takes typing. An answer key waits, as a person would,
   * until its button is enabled: Accept stays disabled while the form is being checked (the validator loads on
   * first use), and the shortcut does nothing then.
   */
  async press(key: "j" | "k" | "a" | "d" | "c" | "e"): Promise<void> {
    const answer = ANSWER_KEYS[key];
    if (answer) await expect(this.card.locator(`[data-answer="${answer}"]`)).toBeEnabled();
    await this.page.keyboard.press(key);
  }
}
