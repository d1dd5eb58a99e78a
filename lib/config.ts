import "server-only";
import path from "node:path";
import { z } from "zod";
import { instanceIdOf } from "@/lib/cluster/instance-id";
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
  /** How long a question whose tool call is suspended in storage (MCP 2026-07-28) may wait, across restarts. */
  durableQuestionTimeoutMs: number;
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
  /**
   * `sqlite`: conversations, questions and the audit trail are stored. `memory` (STORAGE=memory): conversations and
   * questions are kept in memory only and no audit trail is written; nothing survives a restart. For throwaway
   * demos and the bench's storage-off baseline; people and sign-in still use the database.
   */
  storage: "sqlite" | "memory";
  /** MCP_CONFIG as set (the file of servers from mcp.json), or undefined for ./mcp.json. */
  mcpConfigFile?: string;
  /** ROUTING_FILE: who answers which questions (lib/review); undefined means the requester answers. */
  routingFile?: string;
  /** Where questions are announced when routed or escalated (lib/notify); none configured: nothing is sent. */
  notifications: NotificationSettings;
  /** Several instances: this one's name, and Redis to coordinate through (unset: one process, nothing shared). */
  cluster: ClusterSettings;
  /** Postgres only: the most connections this instance opens (DATABASE_POOL_MAX). */
  databasePoolMax: number;
  /** The bundled shell server's signing key for pending approvals, when set (SHELL_REQUEST_STATE_KEY). */
  shellRequestStateKey?: string;
  /** Where the bundled shell server records used approvals (SHELL_STATE_DIR); unset: beside the database. */
  shellStateDir?: string;
}

export interface ClusterSettings {
  /** INSTANCE_ID, or host:pid. Shown in the x-elicit-instance header and /api/health; owns this instance's questions. */
  instanceId: string;
  /** REDIS_URL (redis:// or rediss://): questions, answers and live turns are shared with the other instances. */
  redisUrl?: string;
  /** What messages between instances are signed with (derived from BETTER_AUTH_SECRET, required with REDIS_URL). */
  secret?: string;
}

/** The notification channels and the address their links point to. */
export interface NotificationSettings {
  /** The app's public address (PUBLIC_URL, origin only) for links; unset: the origin of the request that asked. */
  publicUrl?: string;
  /** A generic JSON webhook, each request HMAC-signed with the secret. */
  webhook?: { url: string; secret: string };
  /** A Slack incoming webhook. */
  slackWebhookUrl?: string;
}

export type Env = Record<string, string | undefined>;

/** Each default, written once. */
export const DEFAULTS = {
  ELICITATION_TIMEOUT_MS: 300_000,
  // A week: a question asked on Friday can still be answered on Monday.
  DURABLE_QUESTION_TIMEOUT_MS: 7 * 24 * 3600_000,
  WORKSPACE_DIR: "workspace",
  COMMAND_MAX_TIMEOUT_MS: 120_000,
  ELICITATION_MAX_PENDING_PER_CONVERSATION: 20,
  ELICITATION_MAX_PENDING_TOTAL: 200,
  CHAT_RECONNECT_GRACE_MS: 15_000,
  DATABASE_URL: "data/elicit-chat.db",
  DATABASE_POOL_MAX: 10,
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
const webUrl = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { error: "expected an http:// or https:// URL" })
    .optional(),
);
/** Settings whose value is a credential (a Slack webhook URL is one): an error names them but never prints them. */
const SECRET_SETTINGS = new Set([
  "NOTIFY_WEBHOOK_URL",
  "NOTIFY_WEBHOOK_SECRET",
  "SLACK_WEBHOOK_URL",
  "REDIS_URL",
  "SHELL_REQUEST_STATE_KEY",
  "BETTER_AUTH_SECRET",
]);
/** Long enough that it cannot be guessed; a receiver uses it to know the request came from this app. */
const WEBHOOK_SECRET_MIN_LENGTH = 16;

const envSchema = z.object({
  ELICITATION_TIMEOUT_MS: positiveInt,
  DURABLE_QUESTION_TIMEOUT_MS: positiveInt,
  WORKSPACE_DIR: text,
  COMMAND_MAX_TIMEOUT_MS: positiveInt,
  ELICITATION_MAX_PENDING_PER_CONVERSATION: positiveInt,
  // The old name, still read: the shell server is shared by every conversation.
  ELICITATION_MAX_PENDING_PER_SERVER: positiveInt,
  ELICITATION_MAX_PENDING_TOTAL: positiveInt,
  CHAT_RECONNECT_GRACE_MS: positiveInt,
  MCP_CONFIG: text,
  ROUTING_FILE: text,
  DATABASE_URL: text,
  STORAGE: z.preprocess(unsetIfEmpty, z.enum(["sqlite", "memory"], { error: "expected sqlite or memory" }).optional()),
  PUBLIC_URL: webUrl,
  NOTIFY_WEBHOOK_URL: webUrl,
  NOTIFY_WEBHOOK_SECRET: text,
  SLACK_WEBHOOK_URL: webUrl,
  REDIS_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, { error: "expected a redis:// or rediss:// URL" })
      .optional(),
  ),
  INSTANCE_ID: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: "expected 1 to 64 letters, digits, '.', '_', ':' or '-'" })
      .optional(),
  ),
  DATABASE_POOL_MAX: positiveInt,
  SHELL_REQUEST_STATE_KEY: z.preprocess(unsetIfEmpty, z.string().min(32, { error: "expected at least 32 characters" }).optional()),
  SHELL_STATE_DIR: text,
  BETTER_AUTH_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32, { error: "expected at least 32 characters" }).optional()),
});

/** Reads and checks the settings; throws a ConfigError naming every variable that is set but wrong. */
export function appConfig(env: Env = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${SECRET_SETTINGS.has(name) ? "(value hidden)" : `"${env[name]}"`}: ${issue.message}`;
      }),
    );
  }
  const settings = parsed.data;
  if (settings.REDIS_URL !== undefined && settings.STORAGE === "memory") {
    throw new ConfigError(["STORAGE=memory: several instances (REDIS_URL) need stored questions; unset STORAGE"]);
  }
  const notifications = notificationSettings(settings);
  const perConversation =
    settings.ELICITATION_MAX_PENDING_PER_CONVERSATION ??
    settings.ELICITATION_MAX_PENDING_PER_SERVER ??
    DEFAULTS.ELICITATION_MAX_PENDING_PER_CONVERSATION;
  return {
    elicitationTimeoutMs: settings.ELICITATION_TIMEOUT_MS ?? DEFAULTS.ELICITATION_TIMEOUT_MS,
    durableQuestionTimeoutMs: settings.DURABLE_QUESTION_TIMEOUT_MS ?? DEFAULTS.DURABLE_QUESTION_TIMEOUT_MS,
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
    routingFile: settings.ROUTING_FILE,
    databaseUrl: settings.DATABASE_URL ?? DEFAULTS.DATABASE_URL,
    storage: settings.STORAGE ?? "sqlite",
    notifications,
    cluster: { instanceId: settings.INSTANCE_ID ?? instanceIdOf({}), redisUrl: settings.REDIS_URL, secret: settings.BETTER_AUTH_SECRET },
    databasePoolMax: settings.DATABASE_POOL_MAX ?? DEFAULTS.DATABASE_POOL_MAX,
    shellRequestStateKey: sharedSecrets(settings),
    shellStateDir: settings.SHELL_STATE_DIR === undefined ? undefined : path.resolve(/*turbopackIgnore: true*/ settings.SHELL_STATE_DIR),
  };
}

/**
 * On Postgres several instances share one database, so the secrets that would otherwise be generated beside a
 * SQLite file must be given, the same on every instance: sign-in cookies made by one must be read by another, and a
 * pending approval signed by one instance's shell server must be accepted by another's.
 */
function sharedSecrets(settings: z.infer<typeof envSchema>): string | undefined {
  const postgres = /^postgres(ql)?:/i.test(settings.DATABASE_URL ?? "");
  const needed = [
    ...(postgres ? (["BETTER_AUTH_SECRET", "SHELL_REQUEST_STATE_KEY"] as const) : []),
    // Messages between instances are signed with it: whoever can reach Redis without it cannot answer anything.
    ...(settings.REDIS_URL !== undefined ? (["BETTER_AUTH_SECRET"] as const) : []),
  ];
  const missing = [...new Set(needed)].filter((name) => settings[name] === undefined);
  if (missing.length > 0) {
    const why = postgres ? "a Postgres DATABASE_URL" : "REDIS_URL";
    throw new ConfigError(
      missing.map((name) => `${name} (unset): expected at least 32 characters, the same on every instance, with ${why}`),
    );
  }
  return settings.SHELL_REQUEST_STATE_KEY;
}

/**
 * A webhook is always signed: a URL without a long enough secret is refused, not sent unsigned. A channel needs
 * PUBLIC_URL: routing and escalation happen with no request whose origin a link could use.
 */
function notificationSettings(settings: z.infer<typeof envSchema>): NotificationSettings {
  const { NOTIFY_WEBHOOK_URL: url, NOTIFY_WEBHOOK_SECRET: secret } = settings;
  if (url !== undefined && (secret === undefined || secret.length < WEBHOOK_SECRET_MIN_LENGTH)) {
    const shown = secret === undefined ? "unset" : "too short";
    throw new ConfigError([
      `NOTIFY_WEBHOOK_SECRET (${shown}): expected at least ${WEBHOOK_SECRET_MIN_LENGTH} characters to sign what is sent to NOTIFY_WEBHOOK_URL`,
    ]);
  }
  if ((url !== undefined || settings.SLACK_WEBHOOK_URL !== undefined) && settings.PUBLIC_URL === undefined) {
    throw new ConfigError([
      "PUBLIC_URL (unset): expected the app's address (e.g. https://chat.example.com) for the links notifications carry",
    ]);
  }
  return {
    publicUrl: settings.PUBLIC_URL === undefined ? undefined : new URL(settings.PUBLIC_URL).origin,
    webhook: url === undefined || secret === undefined ? undefined : { url, secret },
    slackWebhookUrl: settings.SLACK_WEBHOOK_URL,
  };
}
