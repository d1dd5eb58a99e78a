import "server-only";
import { isIP } from "node:net";

/** How long "are there users?" is trusted: a user added by the CLI while the server runs counts within this. */
export const USER_COUNT_TTL_MS = 2_000;

/**
 * Whether the server listens only where other machines cannot reach it. HOST unset means 127.0.0.1 (the npm
 * scripts' default); 0.0.0.0, :: and any other address or name are reachable from elsewhere.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  const value = (host ?? "")
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (value === "" || value === "localhost" || value === "::1") return true;
  return isIP(value) === 4 && value.startsWith("127.");
}

/**
 * Single-user mode: loopback and nobody configured. The user count is cached for USER_COUNT_TTL_MS so a burst of
 * requests costs one query, and read again after that so the CLI's changes take effect without a restart.
 */
export function singleUserCheck(countUsers: () => Promise<number>, now: () => number = Date.now) {
  let cached: { hasUsers: boolean; at: number } | undefined;
  return async (host: string | undefined = process.env.HOST): Promise<boolean> => {
    if (!isLoopbackHost(host)) return false;
    if (!cached || now() - cached.at >= USER_COUNT_TTL_MS) cached = { hasUsers: (await countUsers()) > 0, at: now() };
    return !cached.hasUsers;
  };
}
