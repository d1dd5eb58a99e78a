import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { InboxPage } from "./pages/inbox-page";
import { expectNoSeriousViolations } from "./support/axe";
import { startTeamServer, type TeamMember, type TeamServer } from "./support/team";
import { startWebhookReceiver, type WebhookReceiver } from "../testing/webhook-receiver";
import { freshFolder } from "./workspace";
import { saveScreenshot } from "./screenshots";

/** rmdir: ops reviews alone; rm: four eyes; touch: bob, escalating to carol after 3 s. Alice may answer none. */
const ROUTING = {
  groups: { ops: ["bob", "carol"] },
  rules: [
    { match: { commandPrefix: "rmdir" }, routeTo: ["ops"], requesterMayAnswer: false },
    { match: { commandPrefix: "rm" }, routeTo: ["ops"], approvals: 2, requesterMayAnswer: false },
    { match: { commandPrefix: "touch" }, routeTo: ["bob"], requesterMayAnswer: false, deadline: { after: "3s", escalateTo: ["carol"] } },
  ],
};

test.describe("the reviewer inbox", () => {
  let team: TeamServer;
  let receiver: WebhookReceiver;
  const WEBHOOK_SECRET = "e2e-webhook-secret-0123456789";
  const PUBLIC_URL = "https://chat.example.test";
  test.beforeAll(async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-routing-"));
    const routingFile = path.join(folder, "routing.json");
    writeFileSync(routingFile, JSON.stringify(ROUTING));
    receiver = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    team = await startTeamServer({
      env: { ROUTING_FILE: routingFile, NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET, PUBLIC_URL },
    });
  });
  test.afterAll(async () => {
    await team?.stop();
    await receiver?.close();
  });

  /** A browser context signed in as `name`, with a page. */
  async function as(browser: Browser, name: TeamMember): Promise<Page> {
    const context = await browser.newContext();
    await team.signIn(context, name);
    return context.newPage();
  }

  async function aliceAsks(page: Page, command: string) {
    const chat = new ChatPage(page);
    await page.goto(`${team.baseURL}/`);
    await expect(chat.composer).toBeVisible();
    await chat.send(`run \`${command}\``);
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    return card;
  }

  test("a routed question is announced on the signed webhook, and its link opens it in the reviewer's inbox", async ({ browser }) => {
    const folder = freshFolder("announced");
    const alice = await as(browser, "alice");
    const card = await aliceAsks(alice, `rmdir ${folder.name}`);
    const id = await card.getAttribute("data-elicitation-id");
    const announced = await expect
      .poll(() => receiver.requests.find((request) => request.body.includes(`rmdir ${folder.name}`)), { timeout: 15_000 })
      .toBeTruthy()
      .then(() => receiver.requests.find((request) => request.body.includes(`rmdir ${folder.name}`))!);
    expect(announced.signatureValid).toBe(true);
    const payload = JSON.parse(announced.body) as { type: string; link: string; question: { id: string }; recipients: string[] };
    expect(payload.type).toBe("question.routed");
    expect(payload.recipients).toEqual(["ops"]);
    const link = new URL(payload.link);
    expect(link.origin).toBe(PUBLIC_URL);
    if (id) expect(payload.question.id).toBe(id);

    // The link, followed on this server by bob, opens that question.
    const bob = new InboxPage(await as(browser, "bob"));
    await bob.page.goto(`${team.baseURL}${link.pathname}${link.search}`);
    await expect(bob.page.getByRole("region", { name: "Selected question" })).toContainText(`rmdir ${folder.name}`);
    await bob.page.getByRole("region", { name: "Selected question" }).getByRole("button", { name: "Decline" }).click();
    await expect(card).toHaveAttribute("data-status", "declined");
  });

  test("bob answers from /inbox with the keyboard while alice's card follows live", async ({ browser }) => {
    const folder = freshFolder("reviewed");
    const alice = await as(browser, "alice");
    const bob = new InboxPage(await as(browser, "bob"));
    await bob.open(team.baseURL);

    const card = await aliceAsks(alice, `rmdir ${folder.name}`);
    await expect(card.getByTestId("elicitation-review")).toHaveText("Waiting for review by ops");
    await expect(card.getByRole("button", { name: "Accept" })).toHaveCount(0);

    // It reaches bob's open inbox without a reload, with who asked, what and the risk.
    const row = bob.item(`rmdir ${folder.name}`);
    await expect(row).toContainText("alice");
    await expect(row).toContainText("via shell");
    await bob.select(`rmdir ${folder.name}`);
    await expect(bob.context).toContainText(`rmdir ${folder.name}`);
    await expectNoSeriousViolations(bob.page);

    // Typing in the filter is typing: "a" there accepts nothing.
    await bob.page.getByLabel("Search").fill("a");
    await bob.page.getByLabel("Search").fill("");
    await expect(card).toHaveAttribute("data-status", "pending");
    await bob.page.getByLabel("Search").blur();

    await bob.press("a");
    await expect(card).toHaveAttribute("data-status", "accepted");
    await expect(card.getByTestId("elicitation-answered-by")).toHaveText("approved by bob");
    await expect.poll(() => existsSync(folder.path)).toBe(false);
    await expect(row).toHaveCount(0);
  });

  test("four eyes: alice cannot approve her own; bob and carol both must", async ({ browser }) => {
    const folder = freshFolder("four-eyes");
    const alice = await as(browser, "alice");
    const card = await aliceAsks(alice, `rm -rf ${folder.name}`);
    const id = await card.getAttribute("data-elicitation-id");
    await expect(card.getByTestId("elicitation-review")).toContainText("Waiting for review by ops · 0 of 2 approvals");

    const own = await alice.request.post(`${team.baseURL}/api/elicitations/${id}`, {
      headers: { origin: team.baseURL },
      data: { action: "accept", content: {} },
    });
    expect(own.status()).toBe(403);

    const bob = new InboxPage(await as(browser, "bob"));
    await bob.open(team.baseURL);
    await bob.select(`rm -rf ${folder.name}`);
    await bob.card.getByRole("button", { name: "Accept" }).click();
    await expect(card.getByTestId("elicitation-approvals")).toHaveText("· 1 of 2 approvals: bob");
    await expect(card).toHaveAttribute("data-status", "pending");
    expect(existsSync(folder.path)).toBe(true);

    const carol = new InboxPage(await as(browser, "carol"));
    await carol.open(team.baseURL);
    await carol.select(`rm -rf ${folder.name}`);
    await expect(carol.card.getByTestId("elicitation-approvals")).toContainText("1 of 2 approvals: bob");
    await saveScreenshot(carol.page, "inbox.png");
    await carol.press("a");
    await expect(card).toHaveAttribute("data-status", "accepted");
    await expect(card.getByTestId("elicitation-answered-by")).toHaveText("approved by bob and carol");
    await expect.poll(() => existsSync(folder.path)).toBe(false);
  });

  test("a question nobody answers by its deadline escalates to carol, live, and she answers it", async ({ browser }) => {
    const folder = freshFolder("deadline");
    const carol = new InboxPage(await as(browser, "carol"));
    await carol.open(team.baseURL);
    const alice = await as(browser, "alice");
    const card = await aliceAsks(alice, `touch ${folder.name}/made`);
    await expect(card.getByTestId("elicitation-review")).toHaveText("Waiting for review by bob");
    await expect(carol.item(`touch ${folder.name}/made`)).toHaveCount(0);

    // Three seconds later it is carol's too, without a reload.
    await expect(carol.item(`touch ${folder.name}/made`)).toContainText("deadline: escalated", { timeout: 20_000 });
    await expect(card.getByTestId("elicitation-review")).toHaveText("Waiting for review by bob, carol · escalated");
    await carol.select(`touch ${folder.name}/made`);
    await carol.press("d");
    await expect(card).toHaveAttribute("data-status", "declined");
    await expect(card.getByTestId("elicitation-answered-by")).toHaveText("declined by carol");
    expect(existsSync(path.join(folder.path, "made"))).toBe(false);
  });
});
