import "server-only";
import type { Auth } from "./auth";
import { roleOf, type Role } from "./roles";
import { Users } from "./users";

/** A signed-in person (the Principal of lib/auth/principal.ts, defined here so this module needs no server state). */
export interface Identity {
  id: string;
  name: string;
  role: Role;
  /** Set when a bearer API key proved it: which of the user's keys (the audit trail records it). */
  apiKey?: { id: string; name?: string };
}

/**
 * Who the request proves to be: `Authorization: Bearer <api key>` if the header is there (and then only that: a bad
 * key is not rescued by a cookie), else the session cookie. Undefined when neither holds. The user is read afresh
 * each time, so a removed user's key and sessions stop at once.
 */
export async function authenticate(auth: Auth, headers: Headers): Promise<Identity | undefined> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const key = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    return key ? byApiKey(auth, key) : undefined;
  }
  const session = await auth.api.getSession({ headers }).catch(() => null);
  if (!session) return undefined;
  const user = session.user as { id: string; name: string; username?: string | null; role?: unknown };
  return { id: user.id, name: user.username ?? user.name, role: roleOf(user.role) };
}

async function byApiKey(auth: Auth, key: string): Promise<Identity | undefined> {
  const verified = await auth.api.verifyApiKey({ body: { key } }).catch(() => undefined);
  if (!verified?.valid || !verified.key) return undefined;
  const user = await new Users(auth).byId(verified.key.referenceId);
  const { id, name } = verified.key;
  return user && { id: user.id, name: user.name, role: user.role, apiKey: { id, ...(name && { name }) } };
}
