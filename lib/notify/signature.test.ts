import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "./signature";

const SECRET = "a-secret-of-32-characters-000000";
const BODY = '{"type":"question.routed"}';
const NOW = 1_800_000_000;

describe("webhook signatures", () => {
  const signed = { body: BODY, timestamp: String(NOW), signature: signWebhookBody(SECRET, NOW, BODY) };

  it("verify with the secret they were made with", () => {
    expect(signed.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, signed, NOW)).toBe(true);
  });

  it("fail with another secret, another body or another timestamp", () => {
    expect(verifyWebhookSignature("another-secret-of-32-characters0", signed, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...signed, body: BODY.replace("routed", "escalated") }, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...signed, timestamp: String(NOW + 1) }, NOW)).toBe(false);
  });

  it("refuse a replay: a timestamp more than five minutes away", () => {
    expect(verifyWebhookSignature(SECRET, signed, NOW + 300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed, NOW + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, signed, NOW - 301)).toBe(false);
  });

  it.each([
    ["no timestamp", { timestamp: undefined }],
    ["no signature", { signature: undefined }],
    ["a timestamp that is not a number", { timestamp: "1e9" }],
    ["a signature of another length", { signature: "sha256=00" }],
    ["the bare hex without its prefix", { signature: signWebhookBody(SECRET, NOW, BODY).slice("sha256=".length) }],
  ])("refuse %s", (_name, change) => {
    expect(verifyWebhookSignature(SECRET, { ...signed, ...change }, NOW)).toBe(false);
  });
});
