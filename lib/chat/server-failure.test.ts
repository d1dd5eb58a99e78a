import { describe, expect, it } from "vitest";
import { describeServerFailure } from "./server-failure";

// The messages and codes below are what Mastra's MCP client 2.0 reported for real servers (the chat-level tests in
// app/api/chat/server-notices.slow.test.ts meet some of them again): a closed port, an HTTP 400, a JSON-RPC error, a missing command.
describe("describeServerFailure", () => {
  it.each([
    [
      "a closed port, probed",
      {
        message: "Failed to connect to MCP server s: SdkError: Version negotiation probe failed: fetch failed\n    at probe (x.js:1:1)",
        code: "ERA_NEGOTIATION_FAILED",
      },
      "could not connect: the server could not be reached",
    ],
    [
      "a closed port, legacy handshake",
      { message: "Failed to connect to MCP server s: TypeError: fetch failed", code: "ECONNREFUSED" },
      "could not connect: connection refused (ECONNREFUSED)",
    ],
    ["a connection that died", { message: "fetch failed", code: "ECONNREFUSED" }, "could not connect: connection refused (ECONNREFUSED)"],
    [
      "an HTTP error with a JSON-RPC body",
      {
        message:
          'Failed to connect to MCP server s: SdkHttpError: Error POSTing to endpoint: {"jsonrpc":"2.0","error":{"code":-32022,"message":"Unsupported protocol version: 2025-11-25"},"id":0}',
        httpStatus: 400,
        code: "CLIENT_HTTP_NOT_IMPLEMENTED",
      },
      "could not connect: HTTP 400: Unsupported protocol version: 2025-11-25",
    ],
    [
      "tools/list answered with an error",
      { message: "upstream api.example.test is unreachable", code: -32603 },
      "upstream api.example.test is unreachable (error -32603)",
    ],
    ["a timeout", { message: "Discovery timed out after 30000ms" }, "no answer within 30 s"],
    [
      "a missing command",
      { message: "Failed to connect to MCP server s: Error: spawn /nonexistent/cmd ENOENT", code: "ENOENT" },
      "could not connect: spawn /nonexistent/cmd ENOENT: command not found (ENOENT)",
    ],
  ])("says %s in one line", (_what, details, expected) => {
    expect(describeServerFailure("s", details)).toBe(expected);
  });

  it("keeps a long message to one short line", () => {
    const line = describeServerFailure("s", { message: "x".repeat(1000) });
    expect(line).toHaveLength(300);
    expect(line.endsWith("…")).toBe(true);
  });
});
