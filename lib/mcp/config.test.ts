import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadMcpConfig, parseMcpConfig } from "./config";

describe("parseMcpConfig", () => {
  it("reads stdio and Streamable HTTP entries in the mcpServers format", () => {
    const config = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          everything: { command: "npx", args: ["-y", "@modelcontextprotocol/server-everything"], env: { A: "1" }, cwd: "/tmp" },
          remote: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer x" } },
          typed: { type: "http", url: "http://127.0.0.1:3333/mcp" },
        },
      }),
      "mcp.json",
    );
    expect(config.problems).toEqual([]);
    expect(Object.keys(config.servers)).toEqual(["everything", "remote", "typed"]);
    expect(config.servers.remote).toEqual({ url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer x" } });
  });

  it("accepts VS Code's `servers` key too", () => {
    expect(Object.keys(parseMcpConfig('{"servers":{"a":{"command":"x"}}}', "mcp.json").servers)).toEqual(["a"]);
  });

  it("keeps the good entries and names each bad one with the reason", () => {
    const config = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          good: { command: "node", args: ["server.js"] },
          noCommand: { args: ["x"] },
          badArgs: { command: "x", args: "not-a-list" },
          badUrl: { url: "ftp://example.com" },
          typo: { command: "x", argz: [] },
          shell: { command: "x" },
          "bad name!": { command: "x" },
        },
      }),
      "mcp.json",
    );
    expect(Object.keys(config.servers)).toEqual(["good"]);
    expect(config.problems).toHaveLength(6);
    expect(config.problems.join("\n")).toMatch(/server "noCommand": command/);
    expect(config.problems.join("\n")).toMatch(/server "badArgs": args/);
    expect(config.problems.join("\n")).toMatch(/server "badUrl": url/);
    expect(config.problems.join("\n")).toMatch(/server "typo": .*argz/);
    expect(config.problems.join("\n")).toMatch(/server "shell": the name is taken/);
    expect(config.problems.join("\n")).toMatch(/server "bad name!": use letters/);
  });

  it("reads each server's protocol choice, and names a version the client cannot speak", () => {
    const config = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          old: { command: "x", protocol: "legacy" },
          probe: { url: "https://a.example/mcp", protocol: "auto" },
          pinned: { url: "https://b.example/mcp", protocol: "2026-07-28" },
          unset: { command: "x" },
          older: { command: "x", protocol: "2025-06-18" },
          future: { url: "https://c.example/mcp", protocol: "2099-01-01" },
          typo: { command: "x", protocol: "latest" },
        },
      }),
      "mcp.json",
    );
    expect(Object.fromEntries(Object.entries(config.servers).map(([name, entry]) => [name, entry.protocol]))).toEqual({
      old: "legacy",
      probe: "auto",
      pinned: "2026-07-28",
      unset: undefined,
    });
    expect(config.problems).toEqual([
      'mcp.json: server "older": protocol: "2025-06-18" cannot be pinned: use "legacy", which agrees with the server on the newest revision before 2026-07-28 both speak',
      'mcp.json: server "future": protocol: "2099-01-01" is not a revision this client knows; expected "legacy", "auto" or "2026-07-28"',
      'mcp.json: server "typo": protocol: expected "legacy", "auto" or "2026-07-28"',
    ]);
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["no mcpServers", "{}", /expected an object with "mcpServers"/],
    ["a list", '{"mcpServers": []}', /expected an object/],
  ])("reports a file that is %s", (_what, text, problem) => {
    const config = parseMcpConfig(text, "mcp.json");
    expect(config.servers).toEqual({});
    expect(config.problems[0]).toMatch(problem);
  });
});

describe("loadMcpConfig", () => {
  it("means no extra servers when there is no file, and says so when MCP_CONFIG names a missing one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-config-"));
    expect(loadMcpConfig({ MCP_CONFIG: undefined, PWD: dir })).toMatchObject({ servers: {} });
    expect(loadMcpConfig({ MCP_CONFIG: path.join(dir, "missing.json") }).problems[0]).toMatch(/no file at/);
    const file = path.join(dir, "servers.json");
    writeFileSync(file, '{"mcpServers":{"a":{"command":"x"}}}');
    expect(Object.keys(loadMcpConfig({ MCP_CONFIG: file }).servers)).toEqual(["a"]);
  });
});
