import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { gateCalls, ToolCallCard } from "./pages/tool-call-card";

/**
 * The client-side approval gate in Chromium, against the "db" server of mcp.e2e.json: a fixture that never asks by
 * itself and records every call it receives, so "nothing was called" is checked where it matters, on the server.
 */
test.describe("approval gate for servers from mcp.json", () => {
  let chat: ChatPage;
  test.beforeEach(async ({ page }) => {
    chat = new ChatPage(page);
    await chat.open();
  });

  const unique = (what: string) => `${what}-${Date.now().toString(36)}`;
  const callsNamed = (name: string) => gateCalls().filter((call) => call.args.name === name || call.args.table === name);

  test("a tool annotated read-only runs at once, without a card", async () => {
    const table = unique("users");
    await chat.send(`use \`db.list_rows\` {"table": "${table}"}`);
    await chat.waitForIdle();
    await expect(chat.page.getByTestId("tool-card-status").last()).toHaveText("done");
    await expect(chat.approvalCards).toHaveCount(0);
    expect(callsNamed(table)).toEqual([expect.objectContaining({ tool: "list_rows", args: { table } })]);
  });

  test("a destructive tool waits on a card that shows server, tool, description, hints and JSON arguments; Decline calls nothing", async () => {
    const name = unique("prod");
    await chat.send(`use \`db.drop_database\` {"name": "${name}"}`);
    const card = new ToolCallCard(chat.approvalCards.last());
    await expect(card.root).toHaveAttribute("data-status", "pending");
    await expect(card.root).toHaveAttribute("data-kind", "tool-call");
    await expect(card.root).toContainText("Allow this tool call?");
    await expect(card.server).toHaveText("db");
    await expect(card.toolName).toHaveText("drop_database");
    await expect(card.description).toHaveText("Deletes a database and everything in it.");
    await expect(card.annotations).toContainText("destructiveHint: true");
    await expect(card.root).toContainText("the server annotates it destructive");
    expect(await card.arguments()).toEqual({ name });
    await expect(card.editor).toHaveValue(`{\n  "name": "${name}"\n}`);
    await expect(card.root).toBeFocused();
    await expect(chat.page.getByTestId("tool-card-status").last()).toHaveText("waiting for approval");

    await chat.answer(card.root, "Decline");
    await expect(card.root).toHaveAttribute("data-status", "declined");
    await expect(card.outcome).toHaveText("Declined: it did not run");
    await expect(chat.lastAssistantMessage()).toContainText("was not called because the person declined it");
    await expect(chat.page.getByTestId("tool-card-status").last()).toHaveText("not run");
    expect(callsNamed(name)).toEqual([]);
  });

  test("edited arguments are checked as you type, and Accept calls the tool with exactly the edit", async () => {
    const proposed = unique("prod");
    const edited = unique("scratch");
    await chat.send(`use \`db.drop_database\` {"name": "${proposed}"}`);
    const card = new ToolCallCard(chat.approvalCards.last());
    await expect(card.accept).toBeEnabled();

    await card.editor.fill('{"name": ');
    await expect(card.errors).toContainText("not valid JSON");
    await expect(card.accept).toBeDisabled();
    await card.editor.fill('{"name": ""}');
    await expect(card.errors).toContainText("name must NOT have fewer than 1 characters");
    await expect(card.accept).toBeDisabled();
    await card.editor.fill('["not", "an object"]');
    await expect(card.errors).toContainText("must be a JSON object");
    await card.editor.fill(`{"name": "${edited}", "force": true}`);
    await expect(card.errors).toHaveCount(0);
    await expect(card.root).toContainText("edited");
    await card.accept.click();

    await expect(card.root).toHaveAttribute("data-status", "accepted");
    await expect(card.outcome).toHaveText("Approved as edited: called");
    await expect(card.settledArguments).toContainText(`"name": "${edited}"`);
    await expect(card.root).toContainText("as edited before approval");
    await expect(chat.lastAssistantMessage()).toContainText(`drop_database called with {"name":"${edited}","force":true}`);
    expect(callsNamed(edited).map((call) => call.args)).toEqual([{ name: edited, force: true }]);
    expect(callsNamed(proposed)).toEqual([]);
  });

  test("the server refuses arguments the tool's schema does not allow (422) and the card stays answerable", async ({ request }) => {
    const name = unique("prod");
    await chat.send(`use \`db.rename_table\` {"from": "${name}", "to": "b"}`);
    const card = new ToolCallCard(chat.approvalCards.last());
    await expect(card.root).toHaveAttribute("data-status", "pending");
    await expect(card.root).toContainText("the server does not annotate it read-only");
    const id = await card.root.getAttribute("data-elicitation-id");
    const bad = await request.post(`/api/elicitations/${id}`, { data: { action: "accept", arguments: { from: name } } });
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.details).toEqual([{ field: "to", message: "is required" }]);
    await expect(card.root).toHaveAttribute("data-status", "pending");
    await chat.answer(card.root, "Cancel");
    await expect(card.outcome).toContainText("Cancelled: it did not run");
    expect(gateCalls("rename_table").filter((call) => call.args.from === name)).toEqual([]);
  });

  test("always allow this tool here: the next call runs without a card until Stop allowing", async () => {
    const first = unique("one");
    await chat.send(`use \`db.drop_database\` {"name": "${first}"}`);
    const card = new ToolCallCard(chat.approvalCards.last());
    await card.remember.check();
    await card.accept.click();
    await expect(card.root).toContainText("Always allowed in this conversation.");
    await chat.waitForIdle();

    const second = unique("two");
    await chat.send(`use \`db.drop_database\` {"name": "${second}"}`);
    await chat.waitForIdle();
    await expect(chat.approvalCards).toHaveCount(1);
    expect(callsNamed(second)).toHaveLength(1);

    await card.root.getByRole("button", { name: "Stop allowing" }).click();
    await expect(card.root).toContainText("No longer allowed");
    const third = unique("three");
    await chat.send(`use \`db.drop_database\` {"name": "${third}"}`);
    const asked = new ToolCallCard(chat.approvalCards.last());
    await expect(chat.approvalCards).toHaveCount(2);
    await expect(asked.root).toHaveAttribute("data-status", "pending");
    await chat.answer(asked.root, "Decline");
    expect(callsNamed(third)).toEqual([]);
  });

  test("a reload keeps the pending card; accepting after the reload calls the tool", async ({ page }) => {
    const name = unique("reload");
    await chat.send(`use \`db.vacuum\` {"table": "${name}"}`);
    await expect(chat.approvalCards.last()).toHaveAttribute("data-status", "pending");
    await expect(chat.approvalCards.last()).toContainText("both read-only and destructive");
    await page.reload();
    const card = new ToolCallCard(chat.approvalCards.last());
    await expect(card.root).toHaveAttribute("data-status", "pending");
    expect(await card.arguments()).toEqual({ table: name });
    await card.accept.click();
    await expect(card.outcome).toHaveText("Approved: called");
    await expect.poll(() => callsNamed(name).length).toBe(1);
  });

  test("Stop cancels a waiting card, says the turn was stopped, and nothing is called", async ({ page }) => {
    const name = unique("stop");
    await chat.send(`use \`db.drop_database\` {"name": "${name}"}`);
    const card = new ToolCallCard(chat.approvalCards.last());
    await expect(card.root).toHaveAttribute("data-status", "pending");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(card.root).toHaveAttribute("data-status", "cancelled");
    await expect(card.outcome).toHaveText("Cancelled: it did not run (the turn was stopped)");
    // The turn is over: no call can be made for it any more.
    await chat.waitForIdle();
    expect(callsNamed(name)).toEqual([]);
  });

  test("the card fits a 375 px phone, and Escape cancels it", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    const name = unique("phone");
    await chat.send(`use \`db.drop_database\` {"name": "${name}", "force": true}`);
    const card = new ToolCallCard(chat.approvalCards.last());
    await expect(card.accept).toBeInViewport();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await card.root.focus();
    await page.keyboard.press("Escape");
    await expect(card.root).toHaveAttribute("data-status", "cancelled");
    expect(callsNamed(name)).toEqual([]);
  });
});
