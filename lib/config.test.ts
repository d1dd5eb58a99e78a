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
