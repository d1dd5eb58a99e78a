import { expect, type Locator, type Page } from "@playwright/test";

/** The conversation list as a person sees it: the sidebar (a drawer on a phone), its search box and its items. */
export class ThreadList {
  readonly page: Page;
  readonly nav: Locator;
  readonly search: Locator;
  readonly items: Locator;
  readonly newButton: Locator;
  /** The phone's button that opens the drawer. */
  readonly drawerButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.nav = page.getByRole("navigation", { name: "Conversations" });
    this.search = this.nav.getByRole("searchbox", { name: "Search conversations" });
    this.items = this.nav.getByTestId("thread-list-item");
    this.newButton = page.getByRole("button", { name: "New conversation", exact: true });
    this.drawerButton = page.getByRole("button", { name: "Conversations", exact: true });
  }

  /** The link that opens a conversation, by its title. */
  link(title: string): Locator {
    return this.nav.getByRole("link", { name: title, exact: true });
  }

  /** A conversation's row, by its title. */
  item(title: string): Locator {
    // `has` is looked up inside each item, so it starts from the page, not from the nav.
    return this.items.filter({ has: this.page.getByRole("link", { name: title, exact: true }) });
  }

  /** The titles listed, top to bottom. */
  async titles(): Promise<string[]> {
    return this.nav.locator("[data-thread-link]").allTextContents();
  }

  async expectTitles(titles: string[]): Promise<void> {
    await expect(this.nav.locator("[data-thread-link]")).toHaveText(titles);
  }

  async rename(title: string, to: string): Promise<void> {
    await this.item(title).getByRole("button", { name: "Rename conversation" }).click();
    const input = this.nav.getByRole("textbox", { name: "New title" });
    await input.fill(to);
    await input.press("Enter");
    await expect(this.link(to)).toBeVisible();
  }

  async delete(title: string): Promise<void> {
    const item = this.item(title);
    await item.getByRole("button", { name: "Delete conversation" }).click();
    await item
      .getByRole("group", { name: `Delete “${title}”?` })
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    await expect(this.link(title)).toHaveCount(0);
  }

  /** The conversation in the address. */
  threadId(): string | null {
    return new URL(this.page.url()).searchParams.get("thread");
  }
}
