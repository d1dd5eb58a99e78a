import "server-only";
import { LOCAL_USER_ID } from "@/lib/elicitation/registry";

export type Role = "requester" | "reviewer" | "admin";

/** Who is making a request. */
export interface Principal {
  id: string;
  /** What cards and the audit trail show, e.g. "bob". */
  name: string;
  role: Role;
}

/** Single-user mode (loopback, no users configured): everyone is this one person, who may do everything. */
export const LOCAL_PRINCIPAL: Principal = { id: LOCAL_USER_ID, name: LOCAL_USER_ID, role: "admin" };

/** Who sent this request. */
export async function principalOf(_request: Request): Promise<Principal> {
  return LOCAL_PRINCIPAL;
}

/** Whether `principal` may read a conversation started by `ownerId`: its owner, and admins (for the audit). */
export function mayRead(principal: Principal, ownerId: string): boolean {
  return principal.id === ownerId || principal.role === "admin";
}
