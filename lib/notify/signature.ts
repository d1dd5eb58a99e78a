import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How the generic webhook proves a request came from this app, and when. The signature covers the timestamp and
 * the raw body, `${timestamp}.${body}`, so neither can be changed, and a receiver that refuses old timestamps
 * refuses replays. A receiver verifies in four steps:
 *
 * 1. read the raw body as bytes (before any JSON parsing) and the two headers below;
 * 2. refuse the request if the timestamp is more than five minutes from its own clock;
 * 3. compute `HMAC-SHA256(secret, timestamp + "." + rawBody)` as lowercase hex;
 * 4. compare `sha256=<that hex>` with the signature header in constant time (crypto.timingSafeEqual).
 *
 * Retries of one delivery keep the same X-Elicit-Delivery id (deduplicate on it) and are signed again with a
 * fresh timestamp.
 */
export const SIGNATURE_HEADER = "x-elicit-signature";
export const TIMESTAMP_HEADER = "x-elicit-timestamp";
export const DELIVERY_HEADER = "x-elicit-delivery";

/** How far a receiver should let a timestamp be from its own clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` for the body sent at `timestamp` (seconds since the epoch). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does (steps 2 to 4 above): true only for the right secret, body and a recent timestamp. */
export function verifyWebhookSignature(
  secret: string,
  request: { body: string; timestamp: string | undefined; signature: string | undefined },
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  const { body, timestamp, signature } = request;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signWebhookBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
