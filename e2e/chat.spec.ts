import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { saveScreenshot } from "./screenshots";
import { commandsRunningIn, freshFolder } from "./workspace";

test.describe("chat with approvals", () => {
  let chat: ChatPage;
  test.beforeEach(async ({ page }) => {
    chat = new ChatPage(page);
    await chat.open();
  });

  test("shows the offline model and example prompts on an empty thread", async ({ page }) => {
    await expect(chat.modelLabel).toContainText("Offline demo model");
    await expect(page.getByRole("button", { name: /List the workspace/ })).toBeVisible();
  });

  test("runs a read-only command at once, without a card", async () => {
    const folder = freshFolder("listed");
    await chat.send("run `ls -la`");
    const card = chat.commandCards.last();
    await expect(card).toContainText("exit 0");
    await expect(card.getByTestId("command-output")).toContainText(folder.name);
    await chat.waitForIdle();
    await expect(chat.approvalCards).toHaveCount(0);
    await expect(chat.lastAssistantMessage()).toContainText("Ran ls -la");
  });

  test("asks before rm -rf; Accept runs it and the folder is gone", async ({ page }) => {
    const folder = freshFolder("build");
    writeFileSync(path.join(folder.path, "app.js"), "// built\n");
    await chat.send(`run \`rm -rf ${folder.name}\``);

    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    await expect(card).toContainText("Approval needed");
    await expect(card).toContainText("shell");
    await expect(card.getByTestId("elicitation-command")).toHaveText(`rm -rf ${folder.name}`);
    await expect(card).toContainText("deletes files");
    await expect(card).toBeFocused();
    await expect(chat.commandCards.last()).toContainText("waiting for approval");
    expect(existsSync(folder.path)).toBe(true);
    await saveScreenshot(page, "approval-card-desktop.png");

    await chat.answer(card, "Accept");
    await expect(card).toHaveAttribute("data-status", "accepted");
    await expect(card).toContainText("Approved");
    await expect(chat.commandCards.last()).toContainText("exit 0");
    await expect(chat.lastAssistantMessage()).toContainText("after your approval");
    expect(existsSync(folder.path)).toBe(false);
  });

  test("Decline leaves the folder in place and the agent says it did not run", async () => {
    const folder = freshFolder("keep");
    await chat.send(`run \`rm -rf ${folder.name}\``);
    const card = chat.approvalCards.last();
    await chat.answer(card, "Decline");
    await expect(card).toHaveAttribute("data-status", "declined");
    await expect(card).toContainText("did not run");
    await expect(chat.commandCards.last()).toContainText("not run · declined");
    await expect(chat.lastAssistantMessage()).toContainText("Not run: declined");
    expect(existsSync(folder.path)).toBe(true);
  });

  test("Cancel (Escape on the focused card) is recorded as cancelled and nothing runs", async ({ page }) => {
    const folder = freshFolder("dismiss");
    await chat.send(`run \`rm -rf ${folder.name}\``);
    const card = chat.approvalCards.last();
    await expect(card).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(card).toHaveAttribute("data-status", "cancelled");
    await expect(chat.lastAssistantMessage()).toContainText("Not run: cancelled");
    expect(existsSync(folder.path)).toBe(true);
  });

  test("follows the system's dark mode", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    const folder = freshFolder("dark");
    await chat.send(`run \`rm -rf ${folder.name}\``);
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    // Chromium reports Tailwind's colours as lab(L a b): L runs from 0 (black) to 100 (white).
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(Number(/^lab\(([\d.]+)/.exec(background)?.[1])).toBeLessThan(20);
    await saveScreenshot(page, "approval-card-dark.png");
    await chat.answer(card, "Decline");
  });

  test("fits a 375 px phone", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    const folder = freshFolder("phone");
    await chat.send(`run \`rm -rf ${folder.name}\``);
    const card = chat.approvalCards.last();
    await expect(card.getByRole("button", { name: "Accept", exact: true })).toBeInViewport();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, "approval-card-phone.png");
    await chat.answer(card, "Decline");
    await expect(card).toHaveAttribute("data-status", "declined");
  });
});

test("Stop while a card is pending cancels it on the server and nothing runs", async ({ page, request }) => {
  const chat = new ChatPage(page);
  await chat.open();
  const folder = freshFolder("stopped");
  await chat.send(`run \`rm -rf ${folder.name}\``);
  const card = chat.approvalCards.last();
  await expect(card).toHaveAttribute("data-status", "pending");
  const id = await card.getAttribute("data-elicitation-id");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(card).toHaveAttribute("data-status", "cancelled");
  await expect(card.getByRole("button", { name: "Accept", exact: true })).toHaveCount(0);
  // The server saw the stream close and settled the request (a decline here is harmless if it had not).
  await expect.poll(async () => "settled" in (await (await request.get(`/api/elicitations/${id}`)).json())).toBe(true);
  const late = await request.post(`/api/elicitations/${id}`, { data: { action: "decline" } });
  expect(late.status()).toBe(409);
  expect(await late.json()).toMatchObject({ error: { details: { status: "cancelled" } } });
  expect(existsSync(folder.path)).toBe(true);
});

test("editing the command on the card runs exactly the edited command", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open();
  const proposed = freshFolder("proposed");
  const edited = freshFolder("edited");
  await chat.send(`run \`rm -rf ${proposed.name}\``);
  const card = chat.approvalCards.last();
  const field = card.getByRole("textbox", { name: "Command" });
  await expect(field).toHaveValue(`rm -rf ${proposed.name}`);
  await field.fill(`rm -rf ${edited.name}`);
  await chat.answer(card, "Accept");
  await expect(card).toHaveAttribute("data-status", "accepted");
  await expect(chat.lastAssistantMessage()).toContainText(`you edited it from rm -rf ${proposed.name}`);
  expect(existsSync(edited.path)).toBe(false);
  expect(existsSync(proposed.path)).toBe(true);
});

test("a reload keeps the conversation and the pending card; answering after the reload resumes the tool", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open();
  const folder = freshFolder("reload");
  await chat.send(`run \`rm -rf ${folder.name}\``);
  await expect(chat.approvalCards.last()).toHaveAttribute("data-status", "pending");
  const cardId = await chat.approvalCards.last().getAttribute("data-elicitation-id");
  const threadId = new URL(page.url()).searchParams.get("thread");
  const listed = await page.request.get(`/api/elicitations?threadId=${threadId}`);
  expect((await listed.json()).elicitations.map((e: { id: string }) => e.id)).toEqual([cardId]);

  await page.reload();
  await expect(page.locator('[data-role="user"]').getByText(`run \`rm -rf ${folder.name}\``)).toBeVisible();
  const card = chat.approvalCards.last();
  await expect(card).toHaveAttribute("data-status", "pending");
  expect(existsSync(folder.path)).toBe(true);

  await chat.answer(card, "Accept");
  await expect(card).toHaveAttribute("data-status", "accepted");
  await expect(chat.lastAssistantMessage()).toContainText("after your approval");
  expect(existsSync(folder.path)).toBe(false);

  await page.reload();
  await expect(chat.lastAssistantMessage()).toContainText("after your approval");
});

test("a long command streams its output live, and Stop kills it", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open();
  const folder = freshFolder("long");
  await chat.send(`run \`cd ${folder.name} && for i in 1 2 3 4 5 6 7 8; do echo tick $i; sleep 0.5; done; touch finished\``);
  await chat.answer(chat.approvalCards.last(), "Accept");
  await expect(page.getByTestId("live-output")).toContainText("tick 2");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  // Once no process of the command is left, nothing can create the file any more.
  await expect.poll(() => commandsRunningIn(folder.name), { timeout: 10_000 }).toEqual([]);
  expect(existsSync(path.join(folder.path, "finished"))).toBe(false);
});

test("the API refuses calls from other origins and other host names (DNS rebinding)", async ({ request }) => {
  const foreign = await request.post("/api/chat", {
    headers: { origin: "https://evil.example" },
    data: { id: "t", messages: [{ id: "m", role: "user", parts: [{ type: "text", text: "run `ls`" }] }] },
  });
  expect(foreign.status()).toBe(403);
  const rebound = await request.post("/api/elicitations/any-id", { headers: { host: "evil.example:3107" }, data: { action: "accept" } });
  expect(rebound.status()).toBe(403);
  expect((await rebound.json()).error.message).toContain("evil.example");
});

test("two people at once: each sees only their own card, and each answer runs only their own command", async ({ browser }) => {
  const [alice, bob] = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const [chatA, chatB] = [new ChatPage(await alice.newPage()), new ChatPage(await bob.newPage())];
    await Promise.all([chatA.open(), chatB.open()]);
    const [folderA, folderB] = [freshFolder("alice"), freshFolder("bob")];
    await Promise.all([chatA.send(`run \`rm -rf ${folderA.name}\``), chatB.send(`run \`rm -rf ${folderB.name}\``)]);

    const [cardA, cardB] = [chatA.approvalCards.last(), chatB.approvalCards.last()];
    await expect(cardA.getByTestId("elicitation-command")).toHaveText(`rm -rf ${folderA.name}`);
    await expect(cardB.getByTestId("elicitation-command")).toHaveText(`rm -rf ${folderB.name}`);
    await expect(chatA.approvalCards).toHaveCount(1);
    await expect(chatB.approvalCards).toHaveCount(1);

    await chatB.answer(cardB, "Accept");
    await expect(cardB).toHaveAttribute("data-status", "accepted");
    await expect(chatB.lastAssistantMessage()).toContainText("after your approval");
    expect(existsSync(folderB.path)).toBe(false);
    expect(existsSync(folderA.path)).toBe(true);
    await expect(cardA).toHaveAttribute("data-status", "pending");

    await chatA.answer(cardA, "Decline");
    await expect(chatA.lastAssistantMessage()).toContainText("Not run: declined");
    expect(existsSync(folderA.path)).toBe(true);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test("the conversation opens in a second tab, live: an answer there resumes the tool and the first tab follows", async ({
  page,
  context,
}) => {
  const first = new ChatPage(page);
  await first.open();
  const folder = freshFolder("second-tab");
  await first.send(`run \`rm -rf ${folder.name}\``);
  await expect(first.approvalCards.last()).toHaveAttribute("data-status", "pending");
  expect(page.url()).toContain("?thread=");

  const second = new ChatPage(await context.newPage());
  await second.page.goto(page.url());
  await expect(second.page.locator('[data-role="user"]').getByText(`rm -rf ${folder.name}`)).toBeVisible();
  const card = second.approvalCards.last();
  await expect(card).toHaveAttribute("data-status", "pending");
  await second.answer(card, "Accept");

  await expect(first.approvalCards.last()).toHaveAttribute("data-status", "accepted");
  await expect(first.lastAssistantMessage()).toContainText("after your approval");
  await expect(second.lastAssistantMessage()).toContainText("after your approval");
  expect(existsSync(folder.path)).toBe(false);
});
