import "server-only";
import type { Principal } from "@/lib/auth/principal";
import { ApiError } from "@/lib/errors";
import type { AuditScope } from "./audit-query";

/**
 * What a person may read of the audit trail: admins everything; reviewers only their own decisions (entries
 * whose actor is their user id, or their user name, which the answer route records as `by`); requesters nothing. A requester gets 403, not 404: the trail's existence is no
 * secret, and no id is being guessed.
 */
export function auditScopeOf(principal: Principal): AuditScope {
  if (principal.role === "admin") return { all: true };
  if (principal.role === "reviewer") return { actors: [...new Set([principal.id, principal.name])] };
  throw new ApiError("forbidden", "The audit trail is open to reviewers and admins only.");
}

/** Only admins may check the whole chain: it reads every entry. */
export function requireAuditAdmin(principal: Principal): void {
  if (principal.role !== "admin") throw new ApiError("forbidden", "Only admins may verify the audit trail.");
}
