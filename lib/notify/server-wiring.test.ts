import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createServerState, type ServerState } from "@/lib/server-state";
import { startWebhookReceiver, type WebhookReceiver } from "@/testing/webhook-receiver";
import { webhookPayloadSchema } from "./event";

const SECRET = "wiring-secret-0123456789";
let folder: string;
let hook: WebhookReceiver;
let state: ServerState;

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), "notify-wiring-"));
  const routingFile = path.join(folder, "routing.json");
  writeFileSync(
    routingFile,
    JSON.stringify({ groups: { ops: ["bob"] }, rules: [{ match: { commandPrefix: "deploy" }, routeTo: ["ops"] }] }),
  );
  hook = await startWebhookReceiver({ secret: SECRET });
  state = createServerState({
    DATABASE_URL: path.join(folder, "app.db"),
    ROUTING_FILE: routingFile,
    PUBLIC_URL: "https://chat.example.com/",
    NOTIFY_WEBHOOK_URL: hook.url,
    NOTIFY_WEBHOOK_SECRET: SECRET,
  });
  await state.started;
});

afterAll(async () => {
  state?.review.close();
  await state?.notifier.idle();
  await state?.writes.idle();
  await state?.database.close();
  await hook?.close();
  rmSync(folder, { recursive: true, force: true });
});

it("the app announces a routed question on the webhook, logs the delivery and audits it as notified", async () => {
  const { data } = state.registry.open({
    threadId: "t1",
    requesterId: "local",
    serverName: "shell",
    message: "Run it?",
    requestedSchema: { type: "object", properties: {} },
    command: "deploy web",
    timeoutMs: 3_600_000,
    onChange: () => {},
  });
  const [request] = await hook.received(1);
  expect(request?.signatureValid).toBe(true);
  expect(webhookPayloadSchema.parse(JSON.parse(request?.body ?? ""))).toMatchObject({
    type: "question.routed",
    recipients: ["ops"],
    link: `https://chat.example.com/inbox?question=${data.id}`,
  });
  await state.notifier.idle();
  await state.writes.idle();
  expect(await state.notifier.deliveries({ questionId: data.id })).toEqual([
    expect.objectContaining({ channel: "webhook", status: "delivered", attempts: 1 }),
  ]);
  const notified = await state.database.db.selectFrom("audit_entries").selectAll().where("type", "=", "notified").execute();
  expect(notified).toEqual([expect.objectContaining({ question_id: data.id, actor: "system", outcome: "webhook" })]);
  expect(JSON.parse(notified[0]?.details ?? "{}")).toEqual({ event: "routed", recipients: ["ops"], attempts: 1 });
});
