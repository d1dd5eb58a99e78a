/**
 * The shell server's settings, read once from the environment and checked by zod schemas. Each default is written
 * once: here, or (the sandbox's limits, the HTTP sessions' caps) in the module that applies it, and read from
 * there. A bad value stops start-up with one error naming the variable and what it expects: a shell must not start
 * with a configuration it did not understand. Unset and empty mean the same: the default.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { prepareStateDir } from "./approvals/used-nonces.ts";
import { neutralGitEnv } from "./git/git-safety.ts";
import { loadPolicy, type PolicyLoad } from "./policy/prefix-rules.ts";
import { DEFAULT_LIMITS, probeSandbox, type SandboxLimits, type SandboxStatus } from "./sandbox/sandbox.ts";
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./transports/http-sessions.ts";

export interface ShellServerConfig {
  workspaceDir: string;
  /**
   * HOME for commands: an empty directory of this process's own, outside the workspace, so dotfiles committed in
   * a cloned repository (`.gitconfig`, `.npmrc`...) are never read as the user's own.
   */
  homeDir: string;
  /** Resource limits for each command (processes, memory, file size, CPU time). */
  limits: SandboxLimits;
  /** How long the server waits for a person's answer; the client should answer (cancel) before this. */
  elicitationTimeoutMs: number;
  defaultCommandTimeoutMs: number;
  maxCommandTimeoutMs: number;
  maxOutputChars: number;
  /** The whole environment a command sees: nothing of the server's own beyond these. */
  commandEnv: Record<string, string>;
  /** The policy file's rules (or the built-in policy) and any problems that made the server ignore the file. */
  policy: PolicyLoad;
  sandbox: SandboxStatus;
  approvals: ApprovalSettings;
}

/** Pending approvals of the 2026-07-28 era (approvals/request-state.ts). */
export interface ApprovalSettings {
  /** The HMAC key of `requestState`: SHELL_REQUEST_STATE_KEY, else random per process. */
  requestStateKey: string;
  /** False with the random key: an approval then cannot outlive the process. */
  keyFromEnv: boolean;
  ttlSeconds: number;
  /** Where used approvals are recorded (real path), or undefined: in memory. */
  stateDir?: string;
}

/** Settings of the Streamable HTTP entry point (http.ts). */
export interface HttpSettings {
  port: number;
  token?: string;
  tokens: Record<string, string>;
  localOnly: boolean;
  sessionLimits: SessionLimits;
}

type Env = Record<string, string | undefined>;

const MB = 2 ** 20;
const DEFAULT_ELICITATION_TIMEOUT_MS = 300_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_COMMAND_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT_CHARS = 30_000;
const DEFAULT_HTTP_PORT = 3333;
const DEFAULT_APPROVAL_TTL_SECONDS = 7 * 24 * 3600;
const MIN_APPROVAL_TTL_SECONDS = 60;
const MAX_APPROVAL_TTL_SECONDS = 30 * 24 * 3600;
/** The SDK's codec refuses shorter HMAC keys; so does start-up. */
export const MIN_REQUEST_STATE_KEY_LENGTH = 32;
/** How much longer the server waits for an answer than the client (ELICITATION_TIMEOUT_MS): see commandTimeouts. */
export const ELICITATION_MARGIN_MS = 30_000;
/** A bearer token is the only thing between the network and a shell: refuse ones short enough to guess. */
export const MIN_TOKEN_LENGTH = 16;

/** Variables whose value must never appear in an error message (it would end up in a log). */
const SECRET = new Set(["MCP_HTTP_TOKEN", "MCP_HTTP_TOKENS", "SHELL_REQUEST_STATE_KEY"]);

const unset = (value: unknown) => (value === "" ? undefined : value);

/** A whole number above zero, written in `unit` (times `scale` once read). */
function wholeNumberText(unit: string, scale: number) {
  const expects = `a positive whole number${unit}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: expects })
    .transform((value) => Number(value) * scale)
    .refine((value) => value > 0 && Number.isSafeInteger(value), { error: expects });
}

/** See wholeNumberText; unset, `fallback` (already scaled). */
function wholeNumber(fallback: number, unit = "", scale = 1) {
  return z.preprocess(unset, wholeNumberText(unit, scale).default(fallback));
}

function optionalWholeNumber(unit = "") {
  return z.preprocess(unset, wholeNumberText(unit, 1).optional());
}

const limitsSchema = z.object({
  SHELL_LIMIT_PROCESSES: wholeNumber(DEFAULT_LIMITS.maxProcesses),
  SHELL_LIMIT_MEMORY_MB: wholeNumber(DEFAULT_LIMITS.maxMemoryBytes, " of megabytes", MB),
  SHELL_LIMIT_FILE_MB: wholeNumber(DEFAULT_LIMITS.maxFileBytes, " of megabytes", MB),
  SHELL_LIMIT_CPU_SECONDS: wholeNumber(DEFAULT_LIMITS.maxCpuSeconds, " of seconds"),
  SHELL_LIMIT_TMP_MB: wholeNumber(DEFAULT_LIMITS.maxTmpBytes, " of megabytes", MB),
});

const shellSchema = z
  .object({
    WORKSPACE_DIR: z.preprocess(unset, z.string().default("workspace")),
    SHELL_POLICY: z.preprocess(unset, z.string().optional()),
    SHELL_SANDBOX: z.preprocess(unset, z.enum(["auto", "required", "off"], { error: "auto, required or off" }).default("auto")),
    ELICITATION_TIMEOUT_MS: wholeNumber(DEFAULT_ELICITATION_TIMEOUT_MS, " of milliseconds"),
    COMMAND_TIMEOUT_MS: optionalWholeNumber(" of milliseconds"),
    COMMAND_MAX_TIMEOUT_MS: wholeNumber(DEFAULT_MAX_COMMAND_TIMEOUT_MS, " of milliseconds"),
    COMMAND_MAX_OUTPUT_CHARS: wholeNumber(DEFAULT_MAX_OUTPUT_CHARS, " of characters"),
    PATH: z.string().optional(),
    LANG: z.string().default("C.UTF-8"),
    SHELL_REQUEST_STATE_KEY: z.preprocess(
      unset,
      z
        .string()
        .min(MIN_REQUEST_STATE_KEY_LENGTH, {
          error: `a key of ${MIN_REQUEST_STATE_KEY_LENGTH} or more characters (e.g. openssl rand -hex 32)`,
        })
        .optional(),
    ),
    SHELL_APPROVAL_TTL_SECONDS: wholeNumber(DEFAULT_APPROVAL_TTL_SECONDS, " of seconds").refine(
      (seconds) => seconds >= MIN_APPROVAL_TTL_SECONDS && seconds <= MAX_APPROVAL_TTL_SECONDS,
      { error: `a whole number of seconds from ${MIN_APPROVAL_TTL_SECONDS} to ${MAX_APPROVAL_TTL_SECONDS}` },
    ),
    SHELL_STATE_DIR: z.preprocess(unset, z.string().optional()),
    ...limitsSchema.shape,
  })
  .superRefine((settings, context) => {
    if (settings.SHELL_REQUEST_STATE_KEY !== undefined && settings.SHELL_STATE_DIR === undefined) {
      // A key lets approvals outlive the process; without a durable record of used ones, a replay after a
      // restart would run the command a second time.
      const error = "set when SHELL_REQUEST_STATE_KEY is (a directory outside the workspace where used approvals are recorded)";
      context.addIssue({ code: "custom", path: ["SHELL_STATE_DIR"], message: error });
    }
    if (settings.COMMAND_TIMEOUT_MS !== undefined && settings.COMMAND_TIMEOUT_MS > settings.COMMAND_MAX_TIMEOUT_MS) {
      const error = `at most COMMAND_MAX_TIMEOUT_MS (${settings.COMMAND_MAX_TIMEOUT_MS})`;
      context.addIssue({ code: "custom", path: ["COMMAND_TIMEOUT_MS"], message: error });
    }
  });

const CLIENT_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/** `alice=token1,ci=token2`: one token per client, so each client's sessions are its own. */
const tokensSchema = z.preprocess(
  unset,
  z
    .string()
    .default("")
    .transform((text, context) => {
      const tokens: Record<string, string> = {};
      for (const entry of text
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        const at = entry.indexOf("=");
        const name = entry.slice(0, at);
        const token = entry.slice(at + 1);
        const problem =
          at < 1 || !CLIENT_NAME.test(name)
            ? `"${name || entry.slice(0, 20)}" is not one (a name of letters, digits, _ or -, then =, then the token)`
            : token.length < MIN_TOKEN_LENGTH
              ? `the token of "${name}" is shorter than ${MIN_TOKEN_LENGTH} characters`
              : name in tokens
                ? `"${name}" appears twice`
                : undefined;
        if (problem) {
          context.addIssue({ code: "custom", message: `name=token pairs separated by commas, and ${problem}` });
          return z.NEVER;
        }
        tokens[name] = token;
      }
      return tokens;
    }),
);

const httpSchema = z.object({
  MCP_HTTP_PORT: z.preprocess(
    unset,
    z
      .string()
      .regex(/^\d+$/, { error: "a port number (0-65535)" })
      .transform(Number)
      .refine((port) => port <= 65_535, { error: "a port number (0-65535)" })
      .default(DEFAULT_HTTP_PORT),
  ),
  MCP_HTTP_TOKEN: z.preprocess(
    unset,
    z
      .string()
      .min(MIN_TOKEN_LENGTH, { error: `a token of ${MIN_TOKEN_LENGTH} or more characters (e.g. openssl rand -hex 32)` })
      .optional(),
  ),
  MCP_HTTP_TOKENS: tokensSchema,
  MCP_HTTP_LOCAL_ONLY: z.preprocess(unset, z.enum(["1", "0"], { error: "1 (HTTP without a token, on loopback) or 0" }).default("0")),
  MCP_HTTP_MAX_SESSIONS: wholeNumber(DEFAULT_SESSION_LIMITS.maxSessions),
  MCP_HTTP_MAX_SESSIONS_PER_CLIENT: wholeNumber(DEFAULT_SESSION_LIMITS.maxSessionsPerClient),
  MCP_HTTP_SESSION_IDLE_MS: wholeNumber(DEFAULT_SESSION_LIMITS.idleMs, " of milliseconds"),
});

/** Parses `env` with `schema`, or throws one Error naming each bad variable, what it expects, and what it got. */
function read<Schema extends z.ZodType>(schema: Schema, env: Env): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const got = SECRET.has(name) ? "" : `, got "${env[name]}"`;
    return `${name} must be ${issue.message}${got}`;
  });
  throw new Error(problems.join("; "));
}

/**
 * Every timeout around one command, in one place:
 * - The server waits for the person's answer ELICITATION_TIMEOUT_MS plus ELICITATION_MARGIN_MS (30 s). The client
 *   (the chat app) expires a question after ELICITATION_TIMEOUT_MS and answers "cancel", so the client's cancel is
 *   what ends the wait; the server's own timeout only catches a client that never answers.
 * - A command runs for at most COMMAND_TIMEOUT_MS unless the call asks for another time, and never longer than
 *   COMMAND_MAX_TIMEOUT_MS. Unset, the default is 30 s or the maximum, whichever is smaller; set above the
 *   maximum, the server refuses to start (checked by the schema).
 */
export function commandTimeouts(settings: { elicitationTimeoutMs: number; commandTimeoutMs?: number; maxCommandTimeoutMs: number }) {
  return {
    elicitationTimeoutMs: settings.elicitationTimeoutMs + ELICITATION_MARGIN_MS,
    defaultCommandTimeoutMs: settings.commandTimeoutMs ?? Math.min(DEFAULT_COMMAND_TIMEOUT_MS, settings.maxCommandTimeoutMs),
    maxCommandTimeoutMs: settings.maxCommandTimeoutMs,
  };
}

function limitsFrom(settings: z.output<typeof limitsSchema>): SandboxLimits {
  return {
    maxProcesses: settings.SHELL_LIMIT_PROCESSES,
    maxMemoryBytes: settings.SHELL_LIMIT_MEMORY_MB,
    maxFileBytes: settings.SHELL_LIMIT_FILE_MB,
    maxCpuSeconds: settings.SHELL_LIMIT_CPU_SECONDS,
    maxTmpBytes: settings.SHELL_LIMIT_TMP_MB,
  };
}

/** The per-command resource limits (SHELL_LIMIT_*), in bytes and seconds. */
export function limitsFromEnv(env: Env): SandboxLimits {
  return limitsFrom(read(limitsSchema, env));
}

export function configFromEnv(env: Env = process.env): ShellServerConfig {
  const settings = read(shellSchema, env);
  const workspaceDir = path.resolve(settings.WORKSPACE_DIR);
  mkdirSync(workspaceDir, { recursive: true });
  const homeDir = commandHome();
  return {
    approvals: approvalSettings(settings, workspaceDir),
    workspaceDir,
    ...commandTimeouts({
      elicitationTimeoutMs: settings.ELICITATION_TIMEOUT_MS,
      commandTimeoutMs: settings.COMMAND_TIMEOUT_MS,
      maxCommandTimeoutMs: settings.COMMAND_MAX_TIMEOUT_MS,
    }),
    maxOutputChars: settings.COMMAND_MAX_OUTPUT_CHARS,
    policy: loadPolicy(settings.SHELL_POLICY),
    sandbox: probeSandbox(settings.SHELL_SANDBOX),
    homeDir,
    limits: limitsFrom(settings),
    commandEnv: {
      PATH: commandPath(settings.PATH, workspaceDir),
      HOME: homeDir,
      ...neutralGitEnv(workspaceDir),
      LANG: settings.LANG,
      PAGER: "cat",
      GIT_PAGER: "cat",
      TERM: "dumb",
    },
  };
}

function approvalSettings(settings: z.output<typeof shellSchema>, workspaceDir: string): ApprovalSettings {
  let stateDir: string | undefined;
  if (settings.SHELL_STATE_DIR !== undefined) {
    try {
      stateDir = prepareStateDir(settings.SHELL_STATE_DIR, workspaceDir);
    } catch (error) {
      throw new Error(`SHELL_STATE_DIR must be ${(error as Error).message}, got "${settings.SHELL_STATE_DIR}"`);
    }
  }
  return {
    requestStateKey: settings.SHELL_REQUEST_STATE_KEY ?? randomBytes(32).toString("base64url"),
    keyFromEnv: settings.SHELL_REQUEST_STATE_KEY !== undefined,
    ttlSeconds: settings.SHELL_APPROVAL_TTL_SECONDS,
    stateDir,
  };
}

export function httpSettingsFromEnv(env: Env): HttpSettings {
  const settings = read(httpSchema, env);
  return {
    port: settings.MCP_HTTP_PORT,
    token: settings.MCP_HTTP_TOKEN,
    tokens: settings.MCP_HTTP_TOKENS,
    localOnly: settings.MCP_HTTP_LOCAL_ONLY === "1",
    sessionLimits: {
      maxSessions: settings.MCP_HTTP_MAX_SESSIONS,
      maxSessionsPerClient: settings.MCP_HTTP_MAX_SESSIONS_PER_CLIENT,
      idleMs: settings.MCP_HTTP_SESSION_IDLE_MS,
    },
  };
}

/**
 * The server's PATH without entries a command's own files could answer: relative ones (`.`, `node_modules/.bin`)
 * resolve in the workspace, and so would anything under it, so a planted `git-remote-x` or `ls` would run.
 */
export function commandPath(pathValue: string | undefined, workspaceDir: string): string {
  const entries = (pathValue ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  const safe = entries.filter((entry) => path.isAbsolute(entry) && !isInside(path.resolve(entry), workspaceDir));
  return safe.length > 0 ? [...new Set(safe)].join(":") : "/usr/bin:/bin";
}

function isInside(dir: string, workspaceDir: string): boolean {
  return dir === workspaceDir || dir.startsWith(workspaceDir + path.sep);
}

let home: string | undefined;

/** One empty HOME per process, removed when it exits. */
function commandHome(): string {
  if (!home) {
    const dir = mkdtempSync(path.join(tmpdir(), "elicit-shell-home-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return home;
}

/** Startup lines for the log: what the server will do, and every problem that made it ignore the policy file. */
export function describeConfig(config: ShellServerConfig): string[] {
  const { policy, sandbox, limits } = config;
  const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
  return [
    `workspace ${config.workspaceDir}`,
    sandbox.active ? "commands run sandboxed (bubblewrap)" : `WARNING: commands run ${sandbox.description}`,
    // Every property the probe checked, so a log shows which one failed, not only that one did.
    ...sandbox.checks.map((check) => `sandbox check ${check.ok ? "ok" : "FAILED"}: ${check.name}: ${check.detail}`),
    sandbox.active
      ? `limits per command: ${limits.maxProcesses} processes, ${mb(limits.maxMemoryBytes)} memory, ${mb(limits.maxFileBytes)} per file, ` +
        `${limits.maxCpuSeconds} s CPU per process, ${mb(limits.maxTmpBytes)} each for /tmp, HOME and /dev/shm; ${sandbox.limits}`
      : "WARNING: no resource limits on commands outside the sandbox",
    ...policy.problems.map((problem) => `policy file ignored, using the built-in policy: ${problem}`),
    config.approvals.keyFromEnv
      ? `pending approvals (2026-07-28) last ${config.approvals.ttlSeconds} s and survive restarts; used ones recorded in ${config.approvals.stateDir}`
      : "pending approvals (2026-07-28) end with this process (no SHELL_REQUEST_STATE_KEY)",
    policy.source ? `policy file ${policy.source}${policy.rules.network ? " (network allowed in the sandbox)" : ""}` : "built-in policy",
  ];
}
