import "server-only";
import path from "node:path";
import type { PendingLimits } from "@/lib/elicitation/registry";

export interface AppConfig {
  /** How long a card waits for a person before the server is told `cancel` and the card says expired. */
  elicitationTimeoutMs: number;
  workspaceDir: string;
  /** The longest a started command may run; the MCP tool-call timeout must outlast wait + run. */
  commandMaxTimeoutMs: number;
  /** Questions waiting at once, per conversation and in the whole app; more are cancelled at once. */
  pendingLimits: PendingLimits;
  /** How long a turn keeps running with nobody watching (a reload reattaches within it; a closed tab does not). */
  reconnectGraceMs: number;
}

const warned = new Set<string>();

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  if (!warned.has(name)) {
    warned.add(name);
    console.warn(`[config] ${name}="${raw}" is not a positive integer; using ${fallback}.`);
  }
  return fallback;
}

export function appConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // ELICITATION_MAX_PENDING_PER_SERVER is the old name, still read: the shell server is shared by every conversation.
  const perConversation = positiveInt(env, "ELICITATION_MAX_PENDING_PER_CONVERSATION", positiveInt(env, "ELICITATION_MAX_PENDING_PER_SERVER", 20));
  const pendingLimits = { perConversation, total: Math.max(positiveInt(env, "ELICITATION_MAX_PENDING_TOTAL", 200), perConversation) };
  return {
    elicitationTimeoutMs: positiveInt(env, "ELICITATION_TIMEOUT_MS", 300_000),
    workspaceDir: path.resolve(/*turbopackIgnore: true*/ env.WORKSPACE_DIR || "workspace"),
    commandMaxTimeoutMs: positiveInt(env, "COMMAND_MAX_TIMEOUT_MS", 120_000),
    pendingLimits,
    reconnectGraceMs: positiveInt(env, "CHAT_RECONNECT_GRACE_MS", 15_000),
  };
}
