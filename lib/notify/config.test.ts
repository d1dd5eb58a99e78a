import { describe, expect, it } from "vitest";
import { appConfig, ConfigError } from "@/lib/config";

const SECRET = "0123456789abcdef0123";

describe("notification settings", () => {
  it("are empty by default: nothing is sent", () => {
    expect(appConfig({}).notifications).toEqual({ publicUrl: undefined, webhook: undefined, slackWebhookUrl: undefined });
  });

  it("read the webhook with its secret, Slack, and PUBLIC_URL's origin", () => {
    const config = appConfig({
      NOTIFY_WEBHOOK_URL: " https://hooks.example.com/elicit ",
      NOTIFY_WEBHOOK_SECRET: SECRET,
      SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x",
      PUBLIC_URL: "https://chat.example.com/some/page",
    });
    expect(config.notifications).toEqual({
      publicUrl: "https://chat.example.com",
      webhook: { url: "https://hooks.example.com/elicit", secret: SECRET },
      slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/x",
    });
  });

  it.each(["ftp://hooks.example.com/x", "file:///etc/passwd", "javascript:alert(1)", "hooks.example.com/x", "not a url"])(
    "refuse %j as a URL, naming the variable but never printing its value (a Slack URL is a credential)",
    (bad) => {
      for (const name of ["SLACK_WEBHOOK_URL", "NOTIFY_WEBHOOK_URL", "PUBLIC_URL"]) {
        const attempt = () => appConfig({ PUBLIC_URL: "https://chat.example.com", [name]: bad, NOTIFY_WEBHOOK_SECRET: SECRET });
        expect(attempt).toThrow(ConfigError);
        expect(attempt).toThrow(`${name}=`);
        expect(attempt).toThrow("expected an http:// or https:// URL");
        if (name !== "PUBLIC_URL") expect(attempt).not.toThrow(bad);
      }
    },
  );

  it("refuse a webhook without a secret, or with a short one: it is never sent unsigned", () => {
    const url = "https://hooks.example.com/elicit";
    const PUBLIC_URL = "https://chat.example.com";
    expect(() => appConfig({ PUBLIC_URL, NOTIFY_WEBHOOK_URL: url })).toThrow(
      "NOTIFY_WEBHOOK_SECRET (unset): expected at least 16 characters",
    );
    expect(() => appConfig({ PUBLIC_URL, NOTIFY_WEBHOOK_URL: url, NOTIFY_WEBHOOK_SECRET: "short" })).toThrow(ConfigError);
    expect(() => appConfig({ PUBLIC_URL, NOTIFY_WEBHOOK_URL: url, NOTIFY_WEBHOOK_SECRET: "short" })).not.toThrow('"short"');
  });

  it("refuse a channel without PUBLIC_URL: its links would have nowhere to point", () => {
    expect(() => appConfig({ SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x" })).toThrow("PUBLIC_URL (unset)");
    expect(() => appConfig({ NOTIFY_WEBHOOK_URL: "https://hooks.example.com/x", NOTIFY_WEBHOOK_SECRET: SECRET })).toThrow(
      "PUBLIC_URL (unset)",
    );
    expect(appConfig({ PUBLIC_URL: "http://127.0.0.1:3000" }).notifications.publicUrl).toBe("http://127.0.0.1:3000");
  });
});
