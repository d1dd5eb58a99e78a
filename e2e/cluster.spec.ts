import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { InboxPage } from "./pages/inbox-page";
import { answer, askForCard, storedCard } from "./support/chat-api";
import { haveClusterServices, health, reloadOnto, servedBy, startCluster, type Cluster } from "./support/cluster";
import { descendantsOf, hasEnded } from "./support/process-tree";
import { freshFolder } from "./workspace";

/**
 * Several instances behind a real load balancer: two `next start` instances on one Postgres and one Redis, with a
 * round-robin nginx (no sticky sessions) in front. Everything a person does goes through nginx, so consecutive
 * requests land on different instances; the x-elicit-instance header says which one served each.
 */
test.describe("two instances behind nginx", () => {
  test.skip(!haveClusterServices(), "needs postgres, redis-server and nginx (apt-get install postgresql redis-server nginx)");
  let cluster: Cluster;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    cluster = await startCluster({ instances: 2 });
  });
  test.afterAll(async () => {
    await cluster?.stop();
  });
  // What each instance and nginx said, in the report of a test that failed (a CI run leaves nothing else behind).
  test.afterEach(async () => {
    const info = test.info();
    if (!cluster || info.status === info.expectedStatus) return;
    for (const [i, instance] of cluster.instances.entries()) {
      await info.attach(`${cluster.instanceId(i)}.log`, { body: instance.output(), contentType: "text/plain" });
    }
    await info.attach("nginx-error.log", { body: cluster.nginx.errorLog(), contentType: "text/plain" });
  });

  /** The log a command appends to: read after a pause long enough for a second run to show, if there were one. */
  async function settledLog(file: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  test("round robin is real: consecutive health checks through nginx are served by both instances", async () => {
    const seen = await servedBy(cluster.baseURL, 6);
    expect(new Set(seen)).toEqual(new Set([cluster.instanceId(0), cluster.instanceId(1)]));
    for (const instance of cluster.instances) {
      expect((await health(instance.baseURL)).body).toMatchObject({ status: "ok", database: "up", coordination: "redis-up" });
    }
  });

  test("chat, card, a reload served by the other instance, an answer from the inbox in another browser: the tool resumes", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const asker = await browser.newContext();
    const reviewer = await browser.newContext();
    try {
      const page = await asker.newPage();
      const chat = new ChatPage(page);
      await page.goto(cluster.baseURL);
      await expect(chat.composer).toBeVisible();
      const folder = freshFolder("cluster-inbox");
      const turnServed = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/chat");
      await chat.send(`run \`rm -rf ${folder.name}\``);
      const turnInstance = (await turnServed).headers()["x-elicit-instance"];
      expect(turnInstance).toMatch(/^app-[12]$/);
      const card = chat.approvalCards.last();
      await expect(card).toHaveAttribute("data-status", "pending");
      const cardId = (await card.getAttribute("data-elicitation-id")) ?? "";
      const threadId = new URL(page.url()).searchParams.get("thread") ?? "";

      // Reload until the conversation comes from the instance that did not run the turn (round robin decides).
      expect(await reloadOnto(page, cluster.baseURL, threadId, (instance) => instance !== turnInstance)).not.toBe(turnInstance);
      const reloaded = chat.approvalCards.last();
      await expect(reloaded).toHaveAttribute("data-elicitation-id", cardId);
      await expect(reloaded).toHaveAttribute("data-status", "pending");

      const inbox = new InboxPage(await reviewer.newPage());
      await inbox.open(cluster.baseURL);
      await inbox.select(`rm -rf ${folder.name}`);
      await inbox.press("a");
      await expect(reloaded).toHaveAttribute("data-status", "accepted");
      await expect.poll(() => existsSync(folder.path), { timeout: 30_000 }).toBe(false);
      await expect(chat.lastAssistantMessage()).toContainText(`Ran rm -rf ${folder.name}`, { timeout: 30_000 });
    } finally {
      await asker.close();
      await reviewer.close();
    }
  });

  test("100 concurrent answers to one question through nginx (both instances): one 200, 99 409, the command runs once", async () => {
    test.setTimeout(120_000);
    const folder = freshFolder("cluster-hundred");
    const { card } = await askForCard(cluster.baseURL, `run \`echo ran >> ${folder.name}/log.txt\``);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => answer(cluster.baseURL, card.id, { action: "accept", content: {} })),
    );
    // Counted by status, so a failure shows every status that came back (a 404 or 503 is as wrong as a second 200).
    const byStatus: Record<number, number> = {};
    for (const response of responses) byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    expect(byStatus).toEqual({ 200: 1, 409: 99 });
    // Split across both: the claim was raced between instances, not just within one.
    expect(new Set(responses.map((response) => response.headers.get("x-elicit-instance"))).size).toBe(2);
    await expect.poll(() => existsSync(path.join(folder.path, "log.txt")), { timeout: 30_000 }).toBe(true);
    expect(await settledLog(path.join(folder.path, "log.txt"))).toBe("ran\n");
  });

  /**
   * Instance i holds a pending card and is killed: the other serves alone, the dead one's MCP servers (its children,
   * which exit when their stdin closes) are gone, and the card, answered through nginx, runs at most once.
   */
  async function killHolderAndAnswer(i: number): Promise<void> {
    const folder = freshFolder("cluster-killed");
    const log = path.join(folder.path, "log.txt");
    const held = cluster.instances[i]!;
    const { threadId, card } = await askForCard(held.baseURL, `run \`echo ran >> ${folder.name}/log.txt\``);
    const children = descendantsOf(held.pid);
    expect(children.map((child) => child.command).join("\n")).toContain("mcp-server/stdio.ts");

    await cluster.killInstance(i);
    const killedAt = Date.now();
    expect(new Set(await servedBy(cluster.baseURL, 4))).toEqual(new Set([cluster.instanceId(1 - i)]));
    await expect.poll(() => children.filter((child) => !hasEnded(child.pid)), { timeout: 10_000 }).toEqual([]);

    // While the holder's heartbeat has not run out the survivor may refuse with 503 (nothing ran): a person tries
    // again. Then it either takes the question over (200: it runs once) or says it expired (404).
    let status = 0;
    await expect
      .poll(async () => (status = (await answer(cluster.baseURL, card.id, { action: "accept", content: {} })).status), { timeout: 20_000 })
      .not.toBe(503);
    test.info().annotations.push({ type: "failover", description: `answered ${status} ${Date.now() - killedAt} ms after the kill` });
    expect([200, 404]).toContain(status);
    if (status === 200) {
      await expect.poll(() => existsSync(log), { timeout: 30_000 }).toBe(true);
      expect(await settledLog(log)).toBe("ran\n");
    } else {
      expect(await storedCard(cluster.baseURL, threadId, card.id)).toMatchObject({ status: "expired" });
      expect(await settledLog(log)).toBe("");
    }
  }

  test("kill -9 of the instance holding a pending card: the other serves, the card runs at most once, the MCP children exit", async () => {
    test.setTimeout(120_000);
    await killHolderAndAnswer(0);
    await cluster.startInstance(0);
  });

  test("Redis restarted mid-turn: health says degraded, then ok without restarting the app, and a new chat works", async ({ page }) => {
    test.setTimeout(120_000);
    const pids = cluster.instances.map((instance) => instance.pid);
    await askForCard(cluster.baseURL, `run \`echo ran >> ${freshFolder("cluster-redis-turn").name}/log.txt\``);
    await cluster.redis.kill();
    for (const instance of cluster.instances) {
      await expect
        .poll(async () => (await health(instance.baseURL)).body, { timeout: 20_000 })
        .toMatchObject({ status: "degraded", coordination: "redis-down" });
      // Degraded, not down: the instance still serves, so a load balancer keeps it (503 is for a lost database).
      expect((await health(instance.baseURL)).httpStatus).toBe(200);
    }
    await cluster.redis.start();
    for (const instance of cluster.instances) {
      await expect
        .poll(async () => (await health(instance.baseURL)).body, { timeout: 30_000 })
        .toMatchObject({ status: "ok", coordination: "redis-up" });
    }
    expect(cluster.instances.map((instance) => instance.pid)).toEqual(pids);

    const chat = new ChatPage(page);
    await page.goto(cluster.baseURL);
    await expect(chat.composer).toBeVisible();
    const folder = freshFolder("cluster-after-redis");
    await chat.send(`run \`rm -rf ${folder.name}\``);
    const card = chat.approvalCards.last();
    await expect(card).toHaveAttribute("data-status", "pending");
    await chat.answer(card, "Accept");
    await expect(card).toHaveAttribute("data-status", "accepted");
    await expect.poll(() => existsSync(folder.path), { timeout: 30_000 }).toBe(false);
  });

  test("after a Redis restart, a kill -9 still fails over within the heartbeat", async () => {
    test.setTimeout(120_000);
    await killHolderAndAnswer(1);
  });
});
