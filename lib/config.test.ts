import { describe, expect, it } from "vitest";
import { appConfig, ConfigError } from "./config";

describe("pending-question limits", () => {
  it("default to 20 per conversation and 200 in total", () => {
    expect(appConfig({}).pendingLimits).toEqual({ perConversation: 20, total: 200 });
  });

  it("read the new names, and the old per-server name as the per-conversation limit", () => {
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_CONVERSATION: "5", ELICITATION_MAX_PENDING_TOTAL: "50" }).pendingLimits).toEqual({
      perConversation: 5,
      total: 50,
    });
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_SERVER: "7" }).pendingLimits).toEqual({ perConversation: 7, total: 200 });
    expect(
      appConfig({ ELICITATION_MAX_PENDING_PER_CONVERSATION: "3", ELICITATION_MAX_PENDING_PER_SERVER: "7" }).pendingLimits.perConversation,
    ).toBe(3);
  });

  it("never let the total fall below one conversation's limit", () => {
    expect(appConfig({ ELICITATION_MAX_PENDING_PER_SERVER: "5000" }).pendingLimits).toEqual({ perConversation: 5000, total: 5000 });
  });
});

describe("settings", () => {
  it("take their defaults when unset or empty", () => {
    const config = appConfig({ ELICITATION_TIMEOUT_MS: "", COMMAND_MAX_TIMEOUT_MS: "  ", MCP_CONFIG: "" });
    expect(config).toMatchObject({
      elicitationTimeoutMs: 300_000,
      commandMaxTimeoutMs: 120_000,
      reconnectGraceMs: 15_000,
      mcpConfigFile: undefined,
      model: undefined,
    });
    expect(config.workspaceDir).toMatch(/\/workspace$/);
  });

  it("read what is set", () => {
    const config = appConfig({
      ELICITATION_TIMEOUT_MS: "1000",
      CHAT_RECONNECT_GRACE_MS: " 250 ",
      WORKSPACE_DIR: "/tmp/ws",
      MCP_CONFIG: "my.json",
      OPENAI_API_KEY: "sk-x",
    });
    expect(config).toMatchObject({
      elicitationTimeoutMs: 1000,
      reconnectGraceMs: 250,
      workspaceDir: "/tmp/ws",
      mcpConfigFile: "my.json",
      model: { apiKey: "sk-x", modelId: "gpt-5-mini" },
    });
  });

  it.each(["abc", "0", "-5", "1.5", "1e3", "10ms"])("refuse %j for a number, naming the variable and what it expects", (bad) => {
    expect(() => appConfig({ ELICITATION_TIMEOUT_MS: bad })).toThrow(ConfigError);
    expect(() => appConfig({ ELICITATION_TIMEOUT_MS: bad })).toThrow(`ELICITATION_TIMEOUT_MS="${bad}": expected a positive integer`);
  });

  it("name every bad variable at once, the old per-server name included", () => {
    try {
      appConfig({ COMMAND_MAX_TIMEOUT_MS: "soon", ELICITATION_MAX_PENDING_PER_SERVER: "0", CHAT_RECONNECT_GRACE_MS: "15000" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'COMMAND_MAX_TIMEOUT_MS="soon": expected a positive integer',
        'ELICITATION_MAX_PENDING_PER_SERVER="0": expected a positive integer',
      ]);
    }
  });
});

describe("storage settings", () => {
  it("store in ./data/elicit-chat.db by default, and take DATABASE_URL and STORAGE=memory", () => {
    const defaults = appConfig({});
    expect(defaults.storage).toBe("sqlite");
    expect(defaults.databaseUrl).toBe("data/elicit-chat.db");
    expect(appConfig({ DATABASE_URL: "/srv/chat.db", STORAGE: "memory" })).toMatchObject({
      databaseUrl: "/srv/chat.db",
      storage: "memory",
    });
  });

  it.each(["off", "postgres", "MEMORY"])("refuse STORAGE=%j, saying what it takes", (bad) => {
    expect(() => appConfig({ STORAGE: bad })).toThrow(`STORAGE="${bad}": expected sqlite or memory`);
  });
});

describe("several instances", () => {
  const SECRET = "s".repeat(32);
  const POSTGRES = { DATABASE_URL: "postgres://app@127.0.0.1:5432/app", BETTER_AUTH_SECRET: SECRET, SHELL_REQUEST_STATE_KEY: SECRET };

  it("run alone by default, named host:pid; take REDIS_URL, INSTANCE_ID and the pool size", () => {
    const alone = appConfig({});
    expect(alone.cluster).toEqual({ instanceId: expect.stringMatching(/:\d+$/), redisUrl: undefined, secret: undefined });
    expect(alone.databasePoolMax).toBe(10);
    const config = appConfig({
      ...POSTGRES,
      REDIS_URL: "rediss://:pw@redis.internal:6380/2",
      INSTANCE_ID: "web-1",
      DATABASE_POOL_MAX: "4",
    });
    expect(config.cluster).toEqual({ instanceId: "web-1", redisUrl: "rediss://:pw@redis.internal:6380/2", secret: SECRET });
    expect(config).toMatchObject({ databasePoolMax: 4, shellRequestStateKey: SECRET });
  });

  it("refuse a REDIS_URL that is not one, without printing it, and an INSTANCE_ID that could not be a key", () => {
    const badRedis = () => appConfig({ REDIS_URL: "http://user:hunter2@redis:6379", BETTER_AUTH_SECRET: SECRET });
    expect(badRedis).toThrow(ConfigError);
    expect(badRedis).toThrow(/REDIS_URL=\(value hidden\): expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(badRedis).not.toThrow(/hunter2/);
    expect(() => appConfig({ INSTANCE_ID: "web 1" })).toThrow(/INSTANCE_ID="web 1"/);
    expect(() => appConfig({ INSTANCE_ID: "x".repeat(65) })).toThrow(/INSTANCE_ID/);
  });

  it("need the shared secrets with Postgres, each at least 32 characters, and stored questions with Redis", () => {
    expect(() => appConfig({ DATABASE_URL: POSTGRES.DATABASE_URL })).toThrow(
      /BETTER_AUTH_SECRET \(unset\)[\s\S]*SHELL_REQUEST_STATE_KEY \(unset\)/,
    );
    expect(() => appConfig({ ...POSTGRES, SHELL_REQUEST_STATE_KEY: "short" })).toThrow(/SHELL_REQUEST_STATE_KEY=\(value hidden\)/);
    expect(() => appConfig({ REDIS_URL: "redis://127.0.0.1:6379", STORAGE: "memory" })).toThrow(/STORAGE=memory/);
    // Messages between instances are signed with it.
    expect(() => appConfig({ REDIS_URL: "redis://127.0.0.1:6379" })).toThrow(/BETTER_AUTH_SECRET \(unset\)/);
    expect(appConfig({ REDIS_URL: "redis://127.0.0.1:6379", BETTER_AUTH_SECRET: SECRET }).cluster.secret).toBe(SECRET);
  });
});
