import "server-only";
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from "@slack/webhook";
import { errorMessage } from "@/lib/errors";
import { slackText, webhookPayload, type NotificationEvent } from "./event";
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from "./signature";

/** Somewhere a notification goes. `send` resolves once it was taken, or throws (a DeliveryFailure when it knows). */
export interface NotificationChannel {
  /** What the delivery log calls it: `webhook` or `slack`. */
  readonly name: string;
  send(event: NotificationEvent, deliveryId: string, signal: AbortSignal): Promise<void>;
}

/** An attempt that failed, and whether another might succeed (a 5xx, 408 or 429 may; a 4xx will not). */
export class DeliveryFailure extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = "DeliveryFailure";
    this.retryable = retryable;
  }
}

const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/** The generic webhook: the payload as JSON, signed with the secret (./signature.ts); redirects are not followed. */
export function webhookChannel(url: string, secret: string): NotificationChannel {
  return {
    name: "webhook",
    async send(event, deliveryId, signal) {
      const body = JSON.stringify(webhookPayload(event, deliveryId));
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "elicit-chat",
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
          [DELIVERY_HEADER]: deliveryId,
        },
        body,
        redirect: "manual",
        signal,
      }).catch((error: unknown) => {
        throw new DeliveryFailure(hidden(describe(error), url), true);
      });
      await response.body?.cancel().catch(() => {});
      if (!response.ok) throw new DeliveryFailure(`HTTP ${response.status}`, retryableStatus(response.status));
    },
  };
}

/** A Slack incoming webhook: a short text with the link (./event.ts slackText). Its own retries are off: ours apply. */
export function slackChannel(url: string): NotificationChannel {
  return {
    name: "slack",
    async send(event, _deliveryId, signal) {
      const webhook = new IncomingWebhook(url, {
        retryConfig: { retries: 0 },
        fetch: (input, init) => fetch(input, { ...init, signal }),
      });
      try {
        await webhook.send({ text: slackText(event), unfurl_links: false, unfurl_media: false });
      } catch (error) {
        if (error instanceof IncomingWebhookHTTPError) {
          // Slack answers errors with a short code (no_service, invalid_payload): worth keeping.
          throw new DeliveryFailure(`HTTP ${error.statusCode} ${error.body.slice(0, 80)}`.trim(), retryableStatus(error.statusCode));
        }
        const cause = error instanceof IncomingWebhookRequestError ? error.original : error;
        throw new DeliveryFailure(hidden(describe(cause), url), true);
      }
    },
  };
}

/** A timeout says so; a network error says what failed underneath ("fetch failed" alone tells nobody anything). */
function describe(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  if (error instanceof Error && error.name === "AbortError") return "aborted";
  const cause = error instanceof Error && error.cause !== undefined ? `: ${errorMessage(error.cause)}` : "";
  return `${errorMessage(error)}${cause}`;
}

/** A webhook's URL is its credential (Slack's are): never in a log or the delivery table. */
function hidden(message: string, url: string): string {
  return message.replaceAll(url, "<webhook URL>").slice(0, 300);
}
