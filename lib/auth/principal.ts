import "server-only";
import { LOCAL_USER_ID } from "@/lib/elicitation/registry";
import { ApiError } from "@/lib/errors";
import { serverState } from "@/lib/server-state";
import type { Auth } from "./auth";
import { authenticate } from "./authenticate";
import type { Role } from "./roles";
import { singleUserCheck } from "./sign-in-mode";
import { Users } from "./users";

export type { Role } from "./roles";

/** Who is making a request. */
export interface Principal {
  id: string;
  /** What cards and the audit trail show, e.g. "bob". */
  name: string;
  role: Role;
}

/** Single-user mode (loopback, no users configured): everyone is this one person, who may do everything. */
export const LOCAL_PRINCIPAL: Principal = { id: LOCAL_USER_ID, name: LOCAL_USER_ID, role: "admin" };

const singleUserChecks = new WeakMap<Auth, ReturnType<typeof singleUserCheck>>();

/** Whether the app runs without sign-in now (loopback and no users). */
export async function isSingleUserMode(): Promise<boolean> {
  const state = serverState();
  await state.started;
  let check = singleUserChecks.get(state.auth);
  if (!check) {
    const users = new Users(state.auth);
    check = singleUserCheck(() => users.count());
    singleUserChecks.set(state.auth, check);
  }
  return check();
}

/**
 * Who sent this request: LOCAL_PRINCIPAL in single-user mode, else the user of a valid session cookie or bearer
 * API key. Throws ApiError("unauthorized") when there is neither.
 */
export async function principalOf(request: Request): Promise<Principal> {
  if (await isSingleUserMode()) return LOCAL_PRINCIPAL;
  const identity = await authenticate(serverState().auth, request.headers);
  if (!identity) throw new ApiError("unauthorized", "Sign in first, or send Authorization: Bearer <api key>.");
  return identity;
}

/** Whether `principal` may read a conversation started by `ownerId`: its owner, and admins (for the audit). */
export function mayRead(principal: Principal, ownerId: string): boolean {
  return principal.id === ownerId || principal.role === "admin";
}
