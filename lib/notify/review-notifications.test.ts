import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { ReviewDesk } from "@/lib/review/review-desk";
import { parseRoutingFile } from "@/lib/review/routing-file";
import { createTestStorage, type TestStorage } from "@/testing/test-storage";
import { startWebhookReceiver, type WebhookReceiver } from "@/testing/webhook-receiver";
import { webhookPayloadSchema, type WebhookPayload } from "./event";
import { createNotifier, type Notifier } from "./notifier";
import { notifyReviewEvents } from "./review-notifications";

const SECRET = "review-secret-0123456789";
const ROUTING = {
  groups: { ops: ["bob", "carol"], leads: ["erin"] },
  rules: [{ match: { commandPrefix: "deploy" }, routeTo: ["ops"], deadline: { after: "10m", escalateTo: ["leads"] } }],
};

let storage: TestStorage;
let hook: WebhookReceiver;
let registry: ElicitationRegistry;
let desk: ReviewDesk;
let notifier: Notifier;
let stop: () => void;
const warnings: string[] = [];

function ask(command: string) {
  return registry.open({
    threadId: "t1",
    requesterId: "u-alice",
    serverName: "shell",
    message: "Run it?",
    requestedSchema: { type: "object", properties: {} },
    command,
    risk: "deploys",
    timeoutMs: 3_600_000,
    onChange: () => {},
  });
}

const payloads = (count: number) =>
  hook.received(count).then((requests) => requests.map((r): WebhookPayload => webhookPayloadSchema.parse(JSON.parse(r.body))));

beforeEach(async () => {
  storage = await createTestStorage();
  hook = await startWebhookReceiver({ secret: SECRET });
  registry = new ElicitationRegistry();
  const rules = parseRoutingFile(JSON.stringify(ROUTING), "routing.json");
  desk = new ReviewDesk({ registry, rules: { current: () => rules } });
  warnings.length = 0;
  notifier = createNotifier({ publicUrl: "https://chat.example.com", webhook: { url: hook.url, secret: SECRET } }, storage, {
    retry: { attempts: 1 },
  });
  stop = notifyReviewEvents({
    review: desk,
    question: (id) => registry.get(id),
    nameOf: async (id) => (id === "u-alice" ? "alice" : undefined),
    notifier,
    warn: (message) => warnings.push(message),
  });
});

afterEach(async () => {
  stop();
  desk.close();
  vi.useRealTimers();
  await notifier.idle();
  await hook.close();
  await storage.close();
});

describe("review events as notifications", () => {
  it("announce a routed question with its server, command, requester by name, recipients and link", async () => {
    const { data } = ask("deploy web");
    const [payload] = await payloads(1);
    expect(payload).toEqual({
      type: "question.routed",
      deliveryId: expect.any(String),
      question: { id: data.id, conversationId: "t1", serverName: "shell", message: "Run it?", risk: "deploys", command: "deploy web" },
      requester: "alice",
      recipients: ["ops"],
      link: `https://chat.example.com/inbox?question=${data.id}`,
    });
    expect(hook.requests[0]?.signatureValid).toBe(true);
  });

  it("announce an escalation to those it escalates to", async () => {
    vi.useFakeTimers();
    const { data } = ask("deploy api");
    vi.advanceTimersByTime(600_000);
    vi.useRealTimers();
    const [routed, escalated] = await payloads(2);
    expect(routed?.type).toBe("question.routed");
    expect(escalated).toMatchObject({ type: "question.escalated", recipients: ["leads"], question: { id: data.id } });
  });

  it("announce nothing for a question no rule routes, nor once stopped", async () => {
    ask("ls");
    stop();
    ask("deploy unheard");
    stop = notifyReviewEvents({ review: desk, question: (id) => registry.get(id), nameOf: async () => undefined, notifier });
    ask("deploy heard");
    const [first] = await payloads(1);
    await notifier.idle();
    expect(first?.question.command).toBe("deploy heard");
    expect(hook.requests).toHaveLength(1);
  });
});
