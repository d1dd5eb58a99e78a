/**
 * Whether the approval gate asks before a tool call to a server from mcp.json: the per-server settings first, then
 * what the person allowed earlier in the conversation, then the tool's own annotations. Annotations are hints from
 * the server: only an unambiguous `readOnlyHint: true` skips the question, and a tool that also claims
 * `destructiveHint: true` asks (a server cannot talk its way past the gate with contradictory hints).
 */
import "server-only";
import type { ApproveSetting } from "./config";

/** The gate settings of one mcp.json entry (see lib/mcp/config.ts). */
export interface GateSettings {
  approve?: ApproveSetting;
  allowTools?: string[];
  denyTools?: string[];
}

export const DEFAULT_APPROVE: ApproveSetting = "unless-read-only";

export type GateDecision =
  { kind: "deny"; reason: string } | { kind: "run"; reason: string } | { kind: "ask"; reason: string; rememberable: boolean };

/** Listed in denyTools: never offered to the model, and refused if called anyway. Deny wins over every allow. */
export function isDenied(settings: GateSettings, toolName: string): boolean {
  return settings.denyTools?.includes(toolName) ?? false;
}

export function decide(settings: GateSettings, toolName: string, annotations: unknown, remembered: boolean): GateDecision {
  if (isDenied(settings, toolName)) return { kind: "deny", reason: `"${toolName}" is listed in this server's denyTools` };
  const approve = settings.approve ?? DEFAULT_APPROVE;
  // "never" is the administrator trusting the server to ask by itself (like the bundled shell server does).
  if (approve === "never") return { kind: "run", reason: 'this server is set to "approve": "never"' };
  if (settings.allowTools?.includes(toolName)) return { kind: "run", reason: `"${toolName}" is listed in this server's allowTools` };
  if (approve === "always") return { kind: "ask", reason: 'this server is set to "approve": "always"', rememberable: false };
  if (remembered) return { kind: "run", reason: "allowed earlier in this conversation" };

  const hints = annotations && typeof annotations === "object" ? (annotations as Record<string, unknown>) : {};
  const readOnly = hints.readOnlyHint === true;
  const destructive = hints.destructiveHint === true;
  if (readOnly && !destructive) return { kind: "run", reason: "the server annotates it read-only" };
  const reason = readOnly
    ? "the server annotates it both read-only and destructive"
    : destructive
      ? "the server annotates it destructive"
      : "the server does not annotate it read-only";
  return { kind: "ask", reason, rememberable: true };
}
