import "server-only";
import path from "node:path";
import { z } from "zod";
import type { PendingLimits } from "@/lib/elicitation/registry";
import { remoteModelSettings, type RemoteModelSettings } from "@/lib/models/model-settings";

/**
 * The app's settings, read from the environment once per process (by serverState(), the composition root) and
 * checked with zod. Empty means unset. A value that is set but wrong stops the app with a ConfigError naming the
 * variable and what it expects: a typo never runs quietly with a default. README "Configuration" lists them.
 */
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
  /** The real model to use, or undefined for the offline model. */
  model?: RemoteModelSettings;
  /** The embedded database: a SQLite file (DATABASE_URL, a path or a file: URL). */
  databaseUrl: string;
  /** MCP_CONFIG as set (the file of servers from mcp.json), or undefined for ./mcp.json. */
  mcpConfigFile?: string;
}

export type Env = Record<string, string | undefined>;

/** Each default, written once. */
export const DEFAULTS = {
  ELICITATION_TIMEOUT_MS: 300_000,
  WORKSPACE_DIR: "workspace",
  COMMAND_MAX_TIMEOUT_MS: 120_000,
  ELICITATION_MAX_PENDING_PER_CONVERSATION: 20,
  ELICITATION_MAX_PENDING_TOTAL: 200,
  CHAT_RECONNECT_GRACE_MS: 15_000,
  DATABASE_URL: "data/elicit-chat.db",
} as const;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid settings: ${problems.join("; ")}.`);
    this.problems = problems;
    this.name = "ConfigError";
  }
}

const unsetIfEmpty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const positiveInt = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: "expected a positive integer" })
    .transform(Number)
    .pipe(z.number().int().positive({ error: "expected a positive integer" }))
    .optional(),
);
const text = z.preprocess(unsetIfEmpty, z.string().optional());

const envSchema = z.object({
  ELICITATION_TIMEOUT_MS: positiveInt,
  WORKSPACE_DIR: text,
  COMMAND_MAX_TIMEOUT_MS: positiveInt,
  ELICITATION_MAX_PENDING_PER_CONVERSATION: positiveInt,
  // The old name, still read: the shell server is shared by every conversation.
  ELICITATION_MAX_PENDING_PER_SERVER: positiveInt,
  ELICITATION_MAX_PENDING_TOTAL: positiveInt,
  CHAT_RECONNECT_GRACE_MS: positiveInt,
  MCP_CONFIG: text,
  DATABASE_URL: text,
});

/** Reads and checks the settings; throws a ConfigError naming every variable that is set but wrong. */
export function appConfig(env: Env = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}="${env[name]}": ${issue.message}`;
      }),
    );
  }
  const settings = parsed.data;
  const perConversation =
    settings.ELICITATION_MAX_PENDING_PER_CONVERSATION ??
    settings.ELICITATION_MAX_PENDING_PER_SERVER ??
    DEFAULTS.ELICITATION_MAX_PENDING_PER_CONVERSATION;
  return {
    elicitationTimeoutMs: settings.ELICITATION_TIMEOUT_MS ?? DEFAULTS.ELICITATION_TIMEOUT_MS,
    workspaceDir: path.resolve(/*turbopackIgnore: true*/ settings.WORKSPACE_DIR ?? DEFAULTS.WORKSPACE_DIR),
    commandMaxTimeoutMs: settings.COMMAND_MAX_TIMEOUT_MS ?? DEFAULTS.COMMAND_MAX_TIMEOUT_MS,
    // Never below one conversation's limit.
    pendingLimits: {
      perConversation,
      total: Math.max(settings.ELICITATION_MAX_PENDING_TOTAL ?? DEFAULTS.ELICITATION_MAX_PENDING_TOTAL, perConversation),
    },
    reconnectGraceMs: settings.CHAT_RECONNECT_GRACE_MS ?? DEFAULTS.CHAT_RECONNECT_GRACE_MS,
    model: remoteModelSettings(env),
    mcpConfigFile: settings.MCP_CONFIG,
    databaseUrl: settings.DATABASE_URL ?? DEFAULTS.DATABASE_URL,
  };
}
