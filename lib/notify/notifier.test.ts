import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, type TestStorage } from "@/testing/test-storage";
import { startWebhookReceiver, type WebhookReceiver } from "@/testing/webhook-receiver";
import { slackChannel, webhookChannel } from "./channels";
import { DeliveryLog } from "./delivery-log";
import { webhookPayloadSchema, type NotificationEvent } from "./event";
import { createNotifier, Notifier, type DeliveredNotification, type NotifierOptions } from "./notifier";

const SECRET = "test-secret-0123456789";
const FAST = { attempts: 5, timeoutMs: 2_000, baseDelayMs: 5, maxDelayMs: 20 };

const event: NotificationEvent = {
  type: "routed",
  questionId: "q-1",
  conversationId: "c-1",
  serverName: "shell",
  toolName: "run_command",
  message: "deletes files: rm -rf build",
  risk: "high",
  command: "rm -rf build",
  requester: "alice",
  recipients: ["bob", "ops"],
  link: "https://chat.example.com/inbox?question=q-1",
};

let storage: TestStorage;
const receivers: WebhookReceiver[] = [];
const warnings: string[] = [];
const delivered: DeliveredNotification[] = [];

async function receiver(options: { secret?: string } = {}): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(options);
  receivers.push(started);
  return started;
}

function notifier(options: Partial<NotifierOptions>): Notifier {
  return new Notifier({
    channels: [],
    log: new DeliveryLog(storage.database, storage.writes),
    retry: FAST,
    warn: (message) => warnings.push(message),
    onDelivered: (delivery) => delivered.push(delivery),
    ...options,
  });
}

beforeEach(async () => {
  storage = await createTestStorage();
  warnings.length = 0;
  delivered.length = 0;
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await storage.close();
});

describe("the webhook channel", () => {
  it("posts the question as signed JSON, with a delivery id and the deep link", async () => {
    const hook = await receiver({ secret: SECRET });
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)] });
    notifications.notify(event);
    await notifications.idle();

    const [request] = hook.requests;
    expect(request?.signatureValid).toBe(true);
    expect(request?.headers["content-type"]).toBe("application/json");
    const payload = webhookPayloadSchema.parse(JSON.parse(request?.body ?? ""));
    expect(payload).toMatchObject({ type: "question.routed", requester: "alice", recipients: ["bob", "ops"], link: event.link });
    expect(payload.question).toMatchObject({ id: "q-1", conversationId: "c-1", serverName: "shell", command: "rm -rf build" });
    expect(request?.headers["x-elicit-delivery"]).toBe(payload.deliveryId);
  });

  it("is signed with its own secret: a receiver holding another refuses it", async () => {
    const hook = await receiver({ secret: "another-secret-0123456789" });
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)] });
    notifications.notify(event);
    await notifications.idle();
    expect(hook.requests.map((r) => r.signatureValid)).toEqual([false]);
  });

  it("retries a receiver that fails twice, and the third attempt gets through; each attempt is logged", async () => {
    const hook = await receiver({ secret: SECRET });
    hook.failNext(2, 503);
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)] });
    notifications.notify(event);
    await notifications.idle();

    expect(hook.requests.map((r) => r.answeredWith)).toEqual([503, 503, 200]);
    // Every attempt is the same delivery, signed again.
    expect(new Set(hook.requests.map((r) => r.headers["x-elicit-delivery"])).size).toBe(1);
    expect(hook.requests.every((r) => r.signatureValid)).toBe(true);
    const [log] = await notifications.deliveries({ questionId: "q-1" });
    expect(log).toMatchObject({ channel: "webhook", event: "routed", status: "delivered", attempts: 3, lastError: null });
    expect(delivered).toEqual([
      expect.objectContaining({ questionId: "q-1", channel: "webhook", attempts: 3, recipients: ["bob", "ops"] }),
    ]);
  });

  it("gives up after the last attempt and logs the failure", async () => {
    const hook = await receiver();
    hook.failNext(100, 500);
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)], retry: { ...FAST, attempts: 3 } });
    notifications.notify(event);
    await notifications.idle();
    expect(hook.requests).toHaveLength(3);
    expect(await notifications.deliveries()).toEqual([expect.objectContaining({ status: "failed", attempts: 3, lastError: "HTTP 500" })]);
    expect(delivered).toEqual([]);
    expect(warnings.join("\n")).toContain("gave up on question q-1 after 3 attempt(s)");
  });

  it("does not retry a refusal (4xx): it will not change", async () => {
    const hook = await receiver();
    hook.failNext(100, 401);
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)] });
    notifications.notify(event);
    await notifications.idle();
    expect(hook.requests).toHaveLength(1);
    expect(await notifications.deliveries()).toEqual([expect.objectContaining({ status: "failed", attempts: 1, lastError: "HTTP 401" })]);
  });

  it("never delays notify(): a receiver that hangs is cut off by the timeout on each attempt", async () => {
    const hook = await receiver();
    hook.hang();
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)], retry: { ...FAST, attempts: 2, timeoutMs: 150 } });

    const before = performance.now();
    notifications.notify(event);
    expect(performance.now() - before).toBeLessThan(50);
    // notify() has returned before anything was sent or written.
    expect(hook.requests).toHaveLength(0);
    expect(await notifications.deliveries()).toEqual([]);

    await notifications.idle();
    expect(hook.requests).toHaveLength(2);
    expect(performance.now() - before).toBeLessThan(5_000);
    expect(await notifications.deliveries()).toEqual([expect.objectContaining({ status: "failed", attempts: 2, lastError: "timed out" })]);
  });

  it("reports a receiver that is not there as a network error, never with the webhook's URL", async () => {
    const hook = await receiver();
    const url = `${hook.url}?token=very-secret`;
    await hook.close();
    const notifications = notifier({ channels: [webhookChannel(url, SECRET)], retry: { ...FAST, attempts: 2 } });
    notifications.notify(event);
    await notifications.idle();
    const [log] = await notifications.deliveries();
    expect(log).toMatchObject({ status: "failed", attempts: 2 });
    expect(log?.lastError).toMatch(/ECONNREFUSED/);
    expect(`${log?.lastError} ${warnings.join(" ")}`).not.toContain("very-secret");
  });
});

describe("the Slack channel", () => {
  it("posts a short text with the deep link, and neither the command nor Slack markup from the server", async () => {
    const hook = await receiver();
    const notifications = notifier({ channels: [slackChannel(hook.url)] });
    notifications.notify({ ...event, type: "escalated", message: "<!channel> please <https://evil.example|click> & approve" });
    await notifications.idle();

    const body = JSON.parse(hook.requests[0]?.body ?? "") as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["text", "unfurl_links", "unfurl_media"]);
    const text = String(body.text);
    expect(text).toContain("Escalated");
    expect(text).toContain("alice asked through shell / run_command (high)");
    expect(text).toContain("For: bob, ops");
    expect(text).toContain(`<${event.link}|Open it in the inbox>`);
    expect(text).toContain("&lt;!channel&gt; please &lt;https://evil.example|click&gt; &amp; approve");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("rm -rf build");
  });
});

describe("the Notifier", () => {
  it("delivers to one channel when the other fails", async () => {
    const failing = await receiver();
    failing.failNext(100, 500);
    const slack = await receiver();
    const notifications = notifier({
      channels: [webhookChannel(failing.url, SECRET), slackChannel(slack.url)],
      retry: { ...FAST, attempts: 2 },
    });
    notifications.notify(event);
    await notifications.idle();

    expect(slack.requests).toHaveLength(1);
    const byChannel = Object.fromEntries((await notifications.deliveries()).map((d) => [d.channel, d]));
    expect(byChannel.webhook).toMatchObject({ status: "failed", attempts: 2 });
    expect(byChannel.slack).toMatchObject({ status: "delivered", attempts: 1 });
    expect(delivered.map((d) => d.channel)).toEqual(["slack"]);
  });

  it("still delivers when the delivery log cannot be written, and when onDelivered throws", async () => {
    const hook = await receiver();
    await storage.database.close();
    const notifications = notifier({
      channels: [webhookChannel(hook.url, SECRET)],
      onDelivered: () => {
        throw new Error("audit is down");
      },
    });
    notifications.notify(event);
    await notifications.idle();
    expect(hook.requests).toHaveLength(1);
    expect(warnings.some((w) => w.startsWith("delivery log:"))).toBe(true);
    expect(warnings).toContain("onDelivered: audit is down");
  });

  it("sends nothing for a malformed event, and does not throw", async () => {
    const hook = await receiver();
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)] });
    expect(() => notifications.notify({ ...event, link: "javascript:alert(1)" })).not.toThrow();
    expect(() => notifications.notify({ ...event, questionId: "" })).not.toThrow();
    expect(() => notifications.notify(null as unknown as NotificationEvent)).not.toThrow();
    await notifications.idle();
    expect(hook.requests).toHaveLength(0);
    expect(warnings.filter((w) => w.startsWith("not sent"))).toHaveLength(3);
  });

  it("with no channel configured does nothing", async () => {
    const notifications = createNotifier({}, storage);
    expect(notifications.enabled).toBe(false);
    notifications.notify(event);
    await notifications.idle();
    expect(await notifications.deliveries()).toEqual([]);
  });

  it("builds links on PUBLIC_URL when set, else on the request's origin", () => {
    expect(createNotifier({ publicUrl: "https://chat.example.com" }, storage).linkFor("q 1/x", "http://127.0.0.1:3000")).toBe(
      "https://chat.example.com/inbox?question=q+1%2Fx",
    );
    expect(createNotifier({}, storage).linkFor("q-1", "http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000/inbox?question=q-1");
    expect(createNotifier({}, storage).linkFor("q-1")).toBeUndefined();
  });

  it("lists deliveries newest first, filtered by question", async () => {
    const hook = await receiver();
    const notifications = notifier({ channels: [webhookChannel(hook.url, SECRET)] });
    notifications.notify(event);
    await notifications.idle();
    notifications.notify({ ...event, questionId: "q-2", type: "escalated" });
    await notifications.idle();
    expect((await notifications.deliveries()).map((d) => d.questionId)).toEqual(["q-2", "q-1"]);
    expect(await notifications.deliveries({ questionId: "q-2" })).toEqual([
      expect.objectContaining({ event: "escalated", status: "delivered" }),
    ]);
    expect(await notifications.deliveries({ questionId: "q-3" })).toEqual([]);
  });
});
