import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandPath, configFromEnv, ELICITATION_MARGIN_MS, httpSettingsFromEnv, limitsFromEnv } from "./config.ts";

const MB = 2 ** 20;
const ALICE = "alice-token-0123456789";
const BOB = "bob-token-0123456789ab";

describe("commandPath", () => {
  it.each([
    [".:/usr/bin", "/usr/bin"],
    ["node_modules/.bin:/usr/local/bin:/usr/bin", "/usr/local/bin:/usr/bin"],
    ["/srv/ws/bin:/usr/bin:/srv/ws", "/usr/bin"],
    ["::/bin", "/bin"],
    ["/usr/bin:/usr/bin", "/usr/bin"],
    ["/srv/ws-other/bin:/usr/bin", "/srv/ws-other/bin:/usr/bin"],
    ["relative", "/usr/bin:/bin"],
  ])("keeps only absolute entries outside the workspace in %j", (given, expected) => {
    expect(commandPath(given, "/srv/ws")).toBe(expected);
  });
});

describe("limitsFromEnv", () => {
  it("has documented defaults", () => {
    expect(limitsFromEnv({})).toEqual({
      maxProcesses: 256,
      maxMemoryBytes: 4096 * MB,
      maxFileBytes: 1024 * MB,
      maxCpuSeconds: 120,
      maxTmpBytes: 512 * MB,
    });
  });

  it("reads each setting in its unit", () => {
    const env = {
      SHELL_LIMIT_PROCESSES: "20",
      SHELL_LIMIT_MEMORY_MB: "64",
      SHELL_LIMIT_FILE_MB: "2",
      SHELL_LIMIT_CPU_SECONDS: "5",
      SHELL_LIMIT_TMP_MB: "8",
    };
    expect(limitsFromEnv(env)).toEqual({
      maxProcesses: 20,
      maxMemoryBytes: 64 * MB,
      maxFileBytes: 2 * MB,
      maxCpuSeconds: 5,
      maxTmpBytes: 8 * MB,
    });
  });

  it.each(["0", "-1", "1.5", "abc", "1e3", "10MB", "99999999999999999"])("rejects %j with the setting's name", (value) => {
    expect(() => limitsFromEnv({ SHELL_LIMIT_MEMORY_MB: value })).toThrow(
      /SHELL_LIMIT_MEMORY_MB must be a positive whole number of megabytes/,
    );
    expect(() => limitsFromEnv({ SHELL_LIMIT_PROCESSES: value })).toThrow(/SHELL_LIMIT_PROCESSES must be a positive whole number, got/);
  });
});

describe("httpSettingsFromEnv", () => {
  it("reads one token per client and the session limits", () => {
    const settings = httpSettingsFromEnv({
      MCP_HTTP_TOKENS: `alice=${ALICE}, ci=${BOB}`,
      MCP_HTTP_MAX_SESSIONS: "4",
      MCP_HTTP_SESSION_IDLE_MS: "1000",
    });
    expect(settings).toMatchObject({
      tokens: { alice: ALICE, ci: BOB },
      sessionLimits: { maxSessions: 4, maxSessionsPerClient: 8, idleMs: 1000 },
    });
  });

  it.each([
    [{ MCP_HTTP_TOKENS: "alice" }, /name=token/],
    [{ MCP_HTTP_TOKENS: "=abcdefabcdefabcdef" }, /name=token/],
    [{ MCP_HTTP_TOKENS: "alice=short" }, /shorter than 16/],
    [{ MCP_HTTP_TOKENS: `a=${ALICE},a=${BOB}` }, /twice/],
    [{ MCP_HTTP_MAX_SESSIONS: "0" }, /MCP_HTTP_MAX_SESSIONS/],
    [{ MCP_HTTP_SESSION_IDLE_MS: "soon" }, /MCP_HTTP_SESSION_IDLE_MS/],
    [{ MCP_HTTP_PORT: "70000" }, /MCP_HTTP_PORT/],
  ])("refuses %j", (env, message) => {
    expect(() => httpSettingsFromEnv(env)).toThrow(message);
  });
});

describe("configFromEnv", () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(path.join(tmpdir(), "shell-config-"));
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));
  const read = (env: Record<string, string>) =>
    configFromEnv({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off", PATH: "/usr/bin:/bin", ...env });

  it("has the documented defaults; the server waits ELICITATION_MARGIN_MS longer than the client", () => {
    const config = read({});
    expect(config).toMatchObject({ defaultCommandTimeoutMs: 30_000, maxCommandTimeoutMs: 120_000, maxOutputChars: 30_000 });
    expect(config.elicitationTimeoutMs).toBe(300_000 + ELICITATION_MARGIN_MS);
    expect(config.commandEnv).toMatchObject({ PATH: "/usr/bin:/bin", LANG: "C.UTF-8", PAGER: "cat" });
  });

  it("reads each setting", () => {
    const config = read({
      ELICITATION_TIMEOUT_MS: "1000",
      COMMAND_TIMEOUT_MS: "500",
      COMMAND_MAX_TIMEOUT_MS: "2000",
      COMMAND_MAX_OUTPUT_CHARS: "10",
    });
    expect(config).toMatchObject({
      elicitationTimeoutMs: 1000 + ELICITATION_MARGIN_MS,
      defaultCommandTimeoutMs: 500,
      maxCommandTimeoutMs: 2000,
      maxOutputChars: 10,
    });
  });

  it("treats an empty value as unset", () => {
    expect(read({ COMMAND_TIMEOUT_MS: "", SHELL_LIMIT_PROCESSES: "" })).toMatchObject({
      defaultCommandTimeoutMs: 30_000,
      limits: { maxProcesses: 256 },
    });
  });

  it("caps the unset default command timeout at the maximum", () => {
    expect(read({ COMMAND_MAX_TIMEOUT_MS: "300" })).toMatchObject({ defaultCommandTimeoutMs: 300, maxCommandTimeoutMs: 300 });
  });

  it("refuses a COMMAND_TIMEOUT_MS above COMMAND_MAX_TIMEOUT_MS", () => {
    expect(() => read({ COMMAND_TIMEOUT_MS: "200000" })).toThrow(
      'COMMAND_TIMEOUT_MS must be at most COMMAND_MAX_TIMEOUT_MS (120000), got "200000"',
    );
    expect(() => read({ COMMAND_TIMEOUT_MS: "5000", COMMAND_MAX_TIMEOUT_MS: "1000" })).toThrow(
      /COMMAND_TIMEOUT_MS must be at most COMMAND_MAX_TIMEOUT_MS \(1000\)/,
    );
  });

  it.each([
    ["ELICITATION_TIMEOUT_MS", "soon", "a positive whole number of milliseconds"],
    ["COMMAND_TIMEOUT_MS", "0", "a positive whole number of milliseconds"],
    ["COMMAND_MAX_TIMEOUT_MS", "1.5", "a positive whole number of milliseconds"],
    ["COMMAND_MAX_OUTPUT_CHARS", "-1", "a positive whole number of characters"],
    ["SHELL_SANDBOX", "on", "auto, required or off"],
    ["SHELL_LIMIT_PROCESSES", "many", "a positive whole number"],
    ["SHELL_LIMIT_MEMORY_MB", "4G", "a positive whole number of megabytes"],
    ["SHELL_LIMIT_FILE_MB", "0", "a positive whole number of megabytes"],
    ["SHELL_LIMIT_CPU_SECONDS", "1e3", "a positive whole number of seconds"],
    ["SHELL_LIMIT_TMP_MB", "x", "a positive whole number of megabytes"],
  ])("refuses %s=%j, naming it and what it expects", (name, value, expects) => {
    expect(() => read({ [name]: value })).toThrow(`${name} must be ${expects}, got "${value}"`);
  });

  it("names every bad setting in one error", () => {
    expect(() => read({ ELICITATION_TIMEOUT_MS: "x", SHELL_SANDBOX: "on" })).toThrow(
      /^(?=.*ELICITATION_TIMEOUT_MS must be)(?=.*; )(?=.*SHELL_SANDBOX must be)/,
    );
  });
});

describe("configFromEnv's pending-approval settings", () => {
  let scratch: string;
  let workspace: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "shell-config-approvals-"));
    workspace = path.join(scratch, "workspace");
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));
  const read = (env: Record<string, string>) =>
    configFromEnv({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off", PATH: "/usr/bin:/bin", ...env });
  const KEY = "0123456789abcdef0123456789abcdef";

  it("defaults: a random key per process, 7 days, used approvals in memory", () => {
    const { approvals } = read({});
    expect(approvals).toMatchObject({ keyFromEnv: false, ttlSeconds: 604_800, stateDir: undefined });
    expect(approvals.requestStateKey.length).toBeGreaterThanOrEqual(32);
    expect(read({}).approvals.requestStateKey).not.toBe(approvals.requestStateKey);
  });

  it("reads the key, the TTL and the state dir (created 0700)", () => {
    const stateDir = path.join(scratch, "state");
    const { approvals } = read({ SHELL_REQUEST_STATE_KEY: KEY, SHELL_APPROVAL_TTL_SECONDS: "60", SHELL_STATE_DIR: stateDir });
    expect(approvals).toEqual({ requestStateKey: KEY, keyFromEnv: true, ttlSeconds: 60, stateDir });
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  it("refuses a short key without repeating it", () => {
    expect(() => read({ SHELL_REQUEST_STATE_KEY: "short-secret", SHELL_STATE_DIR: path.join(scratch, "s") })).toThrow(
      /^SHELL_REQUEST_STATE_KEY must be a key of 32 or more characters[^"]*$/,
    );
  });

  it("refuses a key without a state dir: a replay after a restart could run twice", () => {
    expect(() => read({ SHELL_REQUEST_STATE_KEY: KEY })).toThrow(/SHELL_STATE_DIR must be set when SHELL_REQUEST_STATE_KEY is/);
  });

  it.each(["59", "2592001", "0", "week"])("refuses SHELL_APPROVAL_TTL_SECONDS=%j", (value) => {
    expect(() => read({ SHELL_APPROVAL_TTL_SECONDS: value })).toThrow(/^SHELL_APPROVAL_TTL_SECONDS must be a (positive )?whole number/);
  });

  it.each([
    ["a symlink", (dir: string) => (mkdirSync(`${dir}-real`), symlinkSync(`${dir}-real`, dir)), /must be a directory, not a symlink/],
    ["inside the workspace", () => undefined, /must be a directory outside the workspace/],
  ])("refuses a SHELL_STATE_DIR that is %s", (_what, make, error) => {
    const dir = _what === "inside the workspace" ? path.join(workspace, ".state") : path.join(scratch, "state");
    make(dir);
    expect(() => read({ SHELL_STATE_DIR: dir })).toThrow(error);
  });
});

describe("httpSettingsFromEnv's defaults and checks", () => {
  it("has the documented defaults", () => {
    expect(httpSettingsFromEnv({})).toEqual({
      port: 3333,
      token: undefined,
      tokens: {},
      localOnly: false,
      sessionLimits: { maxSessions: 32, maxSessionsPerClient: 8, idleMs: 1_800_000 },
    });
  });

  it.each([
    ["MCP_HTTP_PORT", "http", "a port number (0-65535)"],
    ["MCP_HTTP_LOCAL_ONLY", "yes", "1 (HTTP without a token, on loopback) or 0"],
    ["MCP_HTTP_MAX_SESSIONS_PER_CLIENT", "-2", "a positive whole number"],
  ])("refuses %s=%j, naming it and what it expects", (name, value, expects) => {
    expect(() => httpSettingsFromEnv({ [name]: value })).toThrow(`${name} must be ${expects}, got "${value}"`);
  });

  it("never repeats a token in its error", () => {
    expect(() => httpSettingsFromEnv({ MCP_HTTP_TOKEN: "short-secret" })).toThrow(
      /^MCP_HTTP_TOKEN must be a token of 16 or more characters[^"]*$/,
    );
    expect(() => httpSettingsFromEnv({ MCP_HTTP_TOKENS: "alice=short-secret" })).toThrow(
      /^MCP_HTTP_TOKENS must be name=token pairs .*shorter than 16 characters$/,
    );
  });
});
