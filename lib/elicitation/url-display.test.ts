import { describe, expect, it } from "vitest";
import { describeUrl } from "./url-display";

describe("describeUrl", () => {
  it("splits an address into scheme, host and the rest, and finds the domain", () => {
    expect(describeUrl("https://login.accounts.example.com/oauth?state=1#x")).toEqual({
      scheme: "https://",
      host: "login.accounts.example.com",
      rest: "/oauth?state=1#x",
      domain: "example.com",
    });
    expect(describeUrl("https://example.com")).toMatchObject({ host: "example.com", rest: "", domain: "example.com" });
  });

  it.each([
    ["a Unicode look-alike host", "https://exаmple.com/login", "punycode"],
    ["a punycode host", "https://xn--exmple-cua.com/", "punycode"],
    ["plain http", "http://example.com/", "not encrypted"],
    ["credentials before the host", "https://example.com@evil.test/", "user name or password"],
  ])("warns about %s", (_what, url, words) => {
    expect(describeUrl(url)?.warning).toContain(words);
  });

  it("shows the real host when credentials try to imitate another", () => {
    expect(describeUrl("https://example.com@evil.test/")?.host).toBe("evil.test");
  });

  it("does not warn for a plain https address or local http", () => {
    expect(describeUrl("https://modelcontextprotocol.io/")?.warning).toBeUndefined();
    expect(describeUrl("http://127.0.0.1:3000/cb")?.warning).toBeUndefined();
  });

  it.each(["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "not a url"])("refuses %s", (url) => {
    expect(describeUrl(url)).toBeUndefined();
  });
});
