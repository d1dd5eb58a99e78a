import { describe, expect, it } from "vitest";
import { allowedHosts, refusalReason } from "./local-origin";

const headers = (init: Record<string, string>) => new Headers(init);

describe("refusalReason", () => {
  const loopbackOnly = allowedHosts({});

  it.each([
    [{ host: "127.0.0.1:3000" }],
    [{ host: "localhost:3107", origin: "http://localhost:3107" }],
    [{ host: "[::1]:3000", origin: "http://[::1]:3000" }],
    [{ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }],
  ])("lets a loopback request through: %j", (init) => {
    expect(refusalReason(headers(init), loopbackOnly)).toBeUndefined();
  });

  it.each([
    ["a rebinding page (its own Host)", { host: "evil.example:3000", origin: "http://evil.example:3000" }, "host"],
    ["a foreign page calling loopback", { host: "127.0.0.1:3000", origin: "https://evil.example" }, "evil.example"],
    ["a look-alike loopback name", { host: "localhost.evil.example:3000" }, "host"],
    ["no Host header", {}, "host"],
    ["an opaque origin (sandboxed iframe, file:)", { host: "127.0.0.1:3000", origin: "null" }, "opaque"],
    ["an Origin that is not a URL", { host: "127.0.0.1:3000", origin: "::" }, "not a URL"],
  ])("refuses %s", (_what, init, words) => {
    expect(refusalReason(headers(init), loopbackOnly)).toContain(words);
  });

  it("accepts the hosts ALLOWED_HOSTS names, with or without a port", () => {
    const deployed = allowedHosts({ ALLOWED_HOSTS: "chat.example.com, review.example.com:8443" });
    expect(refusalReason(headers({ host: "chat.example.com", origin: "https://chat.example.com" }), deployed)).toBeUndefined();
    expect(refusalReason(headers({ host: "review.example.com:8443" }), deployed)).toBeUndefined();
    expect(refusalReason(headers({ host: "other.example.com" }), deployed)).toContain("host");
  });
});
