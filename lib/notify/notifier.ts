import "server-only";
import { randomUUID } from "node:crypto";
import type { NotificationSettings } from "@/lib/config";
import type { Database } from "@/lib/db/open-database";
import type { WriteQueue } from "@/lib/db/write-queue";
import { errorMessage } from "@/lib/errors";
import { DeliveryFailure, slackChannel, webhookChannel, type NotificationChannel } from "./channels";
import { DeliveryLog, type DeliveryQuery, type DeliveryRecord } from "./delivery-log";
import { inboxLink, notificationEventSchema, type NotificationEvent, type NotificationType } from "./event";

export type { NotificationEvent, NotificationType } from "./event";
export type { DeliveryRecord } from "./delivery-log";

/** What the audit trail hears once a channel took a notification. */
export interface DeliveredNotification {
  deliveryId: string;
  questionId: string;
  conversationId: string;
  channel: string;
  event: NotificationType;
  recipients: string[];
  attempts: number;
}

/** How hard each delivery tries: attempts, each cut off after timeoutMs, with exponential backoff and jitter. */
export interface RetryPolicy {
  attempts: number;
  timeoutMs: number;
  /** The wait after the first failure; it doubles after each, up to maxDelayMs, and is jittered by up to half. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, timeoutMs: 10_000, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** Deliveries under way at once; beyond it new ones are logged as failed rather than piling up in memory. */
const MAX_IN_FLIGHT = 1_000;

export interface NotifierOptions {
  channels: NotificationChannel[];
  log: DeliveryLog;
  /** PUBLIC_URL's origin: links point there rather than to the origin of the request that asked. */
  publicUrl?: string;
  /** Called once per delivered notification (the audit trail records "notified"); what it throws is ignored. */
  onDelivered?: (delivery: DeliveredNotification) => void;
  retry?: Partial<RetryPolicy>;
  warn?: (message: string) => void;
  /** In [0, 1): the jitter's source. */
  random?: () => number;
}

/**
 * Announces questions on the configured channels (the generic webhook, Slack). lib/server-state.ts feeds it the
 * review desk's routed and escalated events (./review-notifications.ts); anything else calls it the same way:
 *
 *   const link = notifier.linkFor(questionId, new URL(request.url).origin); // PUBLIC_URL wins when set
 *   if (link) notifier.notify({ type: "routed", questionId, conversationId, serverName, toolName, message, risk,
 *                              command, requester, recipients, link });
 *
 * notify() returns at once and never throws: each channel is delivered in the background (up to 5 attempts, each
 * cut off by a timeout, exponential backoff with jitter between them), every attempt is written to the delivery
 * log, and a channel that fails or hangs affects neither the question nor the other channels. With no channel
 * configured it does nothing.
 */
export class Notifier {
  private readonly options: NotifierOptions;
  private readonly retry: RetryPolicy;
  private readonly warn: (message: string) => void;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: NotifierOptions) {
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.warn = options.warn ?? ((message) => console.warn(`[notify] ${message}`));
  }

  /** Whether any channel is configured. */
  get enabled(): boolean {
    return this.options.channels.length > 0;
  }

  /** The question's address in the inbox: on PUBLIC_URL when set, else on `requestOrigin`; undefined with neither. */
  linkFor(questionId: string, requestOrigin?: string): string | undefined {
    const base = this.options.publicUrl ?? requestOrigin;
    if (base === undefined || !URL.canParse(base)) return undefined;
    return inboxLink(base, questionId);
  }

  notify(event: NotificationEvent): void {
    try {
      if (!this.enabled) return;
      const checked = notificationEventSchema.safeParse(event);
      if (!checked.success) {
        this.warn(`not sent, the event is malformed: ${checked.error.issues.map((issue) => issue.path.join(".")).join(", ")}`);
        return;
      }
      for (const channel of this.options.channels) this.track(this.deliver(channel, checked.data));
    } catch (error) {
      this.warn(`not sent: ${errorMessage(error)}`);
    }
  }

  /** The delivery log, newest first. */
  deliveries(query?: DeliveryQuery): Promise<DeliveryRecord[]> {
    return this.options.log.list(query);
  }

  /** Resolves once every delivery under way has ended (tests; a graceful stop). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(delivery: Promise<void>): void {
    const tracked = delivery.catch((error: unknown) => this.warn(`delivery failed: ${errorMessage(error)}`));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async deliver(channel: NotificationChannel, event: NotificationEvent): Promise<void> {
    // Let notify() return before anything else happens, whatever the channel does synchronously.
    await Promise.resolve();
    const id = randomUUID();
    const { log } = this.options;
    const logged = (write: Promise<void>) => write.catch((error: unknown) => this.warn(`delivery log: ${errorMessage(error)}`));
    await logged(log.opened({ id, questionId: event.questionId, channel: channel.name, event: event.type }));
    if (this.inFlight.size > MAX_IN_FLIGHT) {
      await logged(log.attempted(id, { status: "failed", attempts: 0, lastError: "too many notifications under way" }));
      return;
    }
    for (let attempt = 1; ; attempt++) {
      const failure = await channel.send(event, id, AbortSignal.timeout(this.retry.timeoutMs)).then(
        () => undefined,
        (error: unknown) => (error instanceof DeliveryFailure ? error : new DeliveryFailure(errorMessage(error), true)),
      );
      const last = failure === undefined || !failure.retryable || attempt >= this.retry.attempts;
      const status = failure === undefined ? "delivered" : last ? "failed" : "pending";
      await logged(log.attempted(id, { status, attempts: attempt, lastError: failure?.message ?? null }));
      if (failure === undefined) return this.delivered(channel, event, id, attempt);
      if (last)
        return this.warn(`${channel.name}: gave up on question ${event.questionId} after ${attempt} attempt(s): ${failure.message}`);
      await sleep(this.backoff(attempt));
    }
  }

  private delivered(channel: NotificationChannel, event: NotificationEvent, deliveryId: string, attempts: number): void {
    try {
      this.options.onDelivered?.({
        deliveryId,
        questionId: event.questionId,
        conversationId: event.conversationId,
        channel: channel.name,
        event: event.type,
        recipients: event.recipients,
        attempts,
      });
    } catch (error) {
      this.warn(`onDelivered: ${errorMessage(error)}`);
    }
  }

  /** Exponential, capped, with "equal jitter": between half and all of the step, so retries never bunch up. */
  private backoff(attempt: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return step / 2 + (this.options.random ?? Math.random)() * (step / 2);
  }
}

function sleep(ms: number): Promise<void> {
  // unref: a retry waiting must not keep the process alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The Notifier for these settings: a channel per configured one, writing to the app's database. */
export function createNotifier(
  settings: NotificationSettings,
  storage: { database: Pick<Database, "db" | "ready">; writes: WriteQueue },
  options: Pick<NotifierOptions, "onDelivered" | "retry" | "warn"> = {},
): Notifier {
  const channels = [
    ...(settings.webhook ? [webhookChannel(settings.webhook.url, settings.webhook.secret)] : []),
    ...(settings.slackWebhookUrl ? [slackChannel(settings.slackWebhookUrl)] : []),
  ];
  return new Notifier({ channels, log: new DeliveryLog(storage.database, storage.writes), publicUrl: settings.publicUrl, ...options });
}
