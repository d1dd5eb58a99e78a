import { existsSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { commandsRunningIn, freshFolder } from "./workspace";

/** A settled approval card says what really happened: what ran (the edit, not the proposal), or that nothing said. */
test.describe("what an accepted card says", () => {
  let chat: ChatPage;
  test.beforeEach(async ({ page }) => {
    chat = new ChatPage(page);
    await chat.open();
  });

  test("an edited command: the card shows what ran and what was proposed", async () => {
    const [proposed, edited] = [freshFolder("proposed"), freshFolder("edited")];
    await chat.send(`run \`rm -rf ${proposed.name}\``);
    const card = chat.approvalCards.last();
    await card.getByRole("textbox", { name: "Command" }).fill(`rm -rf ${edited.name}`);
    await chat.answer(card, "Accept");
    await expect(card.getByTestId("elicitation-outcome")).toHaveText("Approved as edited: it ran");
    await expect(card).toHaveAttribute("data-outcome", "ran");
    await expect(card.getByTestId("elicitation-command")).toHaveText(`rm -rf ${edited.name}`);
    await expect(card.getByTestId("elicitation-proposed")).toContainText(`rm -rf ${proposed.name}`);
    expect(existsSync(edited.path)).toBe(false);
    expect(existsSync(proposed.path)).toBe(true);
  });

  test("accepted, then the turn stopped before a result: the card does not claim it ran", async ({ page }) => {
    const folder = freshFolder("stopped-late");
    await chat.send(`run \`cd ${folder.name} && for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.5; done; touch finished\``);
    const card = chat.approvalCards.last();
    await chat.answer(card, "Accept");
    await expect(page.getByTestId("live-output")).toContainText("tick 1");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(card).toHaveAttribute("data-outcome", "unknown");
    await expect(card.getByTestId("elicitation-outcome")).toHaveText(
      "Accepted, but the turn was stopped before the command reported a result",
    );
    // Once no process of the command is left, nothing can create the file any more.
    await expect.poll(() => commandsRunningIn(folder.name), { timeout: 10_000 }).toEqual([]);
    expect(existsSync(path.join(folder.path, "finished"))).toBe(false);
  });
});
