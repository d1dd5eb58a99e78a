/**
 * Who may call the API: requests addressed to this machine by a name the operator chose. A page elsewhere can
 * make a browser send requests here through DNS rebinding (its own name, resolving to 127.0.0.1): the Host header
 * still carries that name, and so does Origin. Refusing both stops such a page from starting turns or approving
 * its own cards. Loopback names are always allowed, on any port; ALLOWED_HOSTS adds others (a deployment's domain).
 */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function hostName(hostWithPort: string): string {
  return hostWithPort.startsWith("[") ? hostWithPort.slice(0, hostWithPort.indexOf("]") + 1) : (hostWithPort.split(":")[0] ?? "");
}

export function allowedHosts(env: Record<string, string | undefined> = process.env): (host: string) => boolean {
  const extra = new Set(
    (env.ALLOWED_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  return (host) => {
    const lower = host.toLowerCase();
    return LOOPBACK.has(hostName(lower)) || extra.has(lower) || extra.has(hostName(lower));
  };
}

/** Why a request must be refused, or undefined when it may go on. */
export function refusalReason(headers: Headers, isAllowed = allowedHosts()): string | undefined {
  const host = headers.get("host");
  if (!host || !isAllowed(host)) return `requests for host "${host ?? ""}" are not accepted (set ALLOWED_HOSTS to add it)`;
  const origin = headers.get("origin");
  if (origin && origin !== "null") {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "the Origin header is not a URL";
    }
    if (!isAllowed(originHost)) return `requests from pages at "${origin}" are not accepted`;
  } else if (origin === "null") {
    return "requests from opaque origins are not accepted";
  }
  return undefined;
}
