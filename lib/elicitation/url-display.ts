/**
 * How a URL card shows an address: the host set apart (that is who you are trusting), the rest dimmed, and a
 * warning when the host is not plain ASCII, since look-alike letters from other scripts can imitate a known site.
 */
export interface UrlDisplay {
  scheme: string;
  host: string;
  /** Path, query and fragment, shown after the host. */
  rest: string;
  /** The registrable-looking part of the host (last two labels), emphasised on the card. */
  domain: string;
  warning?: string;
}

export function describeUrl(raw: string): UrlDisplay | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  // WHATWG URL already turns Unicode hosts into punycode, so `xn--` labels are what an IDN looks like here.
  const host = url.host;
  const labels = url.hostname.split(".");
  const domain = labels.length > 2 && !/^\d+$/.test(labels.at(-1) ?? "") ? labels.slice(-2).join(".") : url.hostname;
  const warnings: string[] = [];
  if (labels.some((label) => label.startsWith("xn--"))) {
    warnings.push("This address uses international characters (punycode). Make sure it is the site you expect, not a look-alike.");
  }
  if (url.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) {
    warnings.push("This address is not encrypted (http).");
  }
  if (url.username || url.password) warnings.push("This address carries a user name or password before the host.");
  return {
    scheme: `${url.protocol}//`,
    host,
    rest: `${url.pathname === "/" && !url.search && !url.hash ? "" : url.pathname}${url.search}${url.hash}`,
    domain,
    warning: warnings.join(" ") || undefined,
  };
}
