import "server-only";
import type { Auth } from "./auth";
import { isLoopbackHost } from "./sign-in-mode";
import { Users } from "./users";

/**
 * Why the app must not start, or undefined: listening where other machines can reach it (HOST not loopback) with
 * no admin configured would leave nobody able to manage it (and, with no users at all, nobody would have to sign in).
 */
export async function startUpRefusal(auth: Auth, host: string | undefined): Promise<string | undefined> {
  if (isLoopbackHost(host)) return undefined;
  if ((await new Users(auth).count("admin")) > 0) return undefined;
  return `HOST=${host} lets other machines reach the app and no admin is configured, not starting: add an admin with \`npm run users -- add <name> --role admin\``;
}
