/**
 * Servers from mcp.json that cannot be used this turn are said in the chat, by name and with the reason, and the
 * turn goes on with the others: one unreachable (a closed loopback port), one whose tools/list fails (a 2026-07-28
 * HTTP server whose own upstream is down), one entry mcp.json cannot accept. A server that dies between turns is
 * named on the next turn and used again once it is back; a stdio server that crashed is simply started again.
 */
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { startModernHttpServer, type RunningFixtureServer } from "@/testing/fixtures/modern-http-server";
import { forgetMcpConfig, useMcpConfig } from "@/testing/mcp-connection";
import { isNotice, noticeOf } from "@/testing/server-notices";
import { SERVER_NOTICE_PART_TYPE } from "@/lib/chat/server-notice";
import { childProcesses, isAlive } from "@/testing/processes";

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const UPSTREAM_DOWN = "upstream api.example.test is unreachable (ECONNREFUSED)";
let dir: string;
let failing: RunningFixtureServer;
let flaky: RunningFixtureServer;
let flakyPort: number;

beforeAll(async () => {
  failing = await startModernHttpServer({ failToolsList: UPSTREAM_DOWN });
  flaky = await startModernHttpServer();
  flakyPort = Number(new URL(flaky.url).port);
  // The tools these tests call are let through the client-side approval gate: its cards are not what is tested here.
  dir = useMcpConfig({
    everything: {
      command: "node",
      args: [path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js"), "stdio"],
      allowTools: ["echo"],
    },
    gone: { url: `http://127.0.0.1:${await closedPort()}/mcp`, protocol: "legacy" },
    "gone-probed": { url: `http://127.0.0.1:${await closedPort()}/mcp` },
    upstream: { url: failing.url, protocol: "auto" },
    flaky: { url: flaky.url, protocol: "auto", allowTools: ["deploy"] },
    typo: { command: "x", protocol: "2025-06-18" },
  });
});
afterAll(async () => {
  await forgetMcpConfig(dir);
  await Promise.all([failing.close(), flaky.close()]);
});

describe("servers the turn goes on without", () => {
  it("names each with its reason, and a working server's tool still runs", async () => {
    const stream = await chat('use `everything.echo` {"message": "still here"}', { threadId: "thread-notices" });
    const output = await stream.waitFor(isToolOutput, "the working server's tool result");
    await stream.readToEnd();
    expect(output.type).toBe("tool-output-available");
    expect(stream.text()).toContain("still here");

    const notices = stream.seen.filter(isNotice()).map(noticeOf);
    expect(notices).toEqual(
      expect.arrayContaining([
        { kind: "unavailable", serverName: "gone", reason: "could not connect: connection refused (ECONNREFUSED)" },
        { kind: "unavailable", serverName: "gone-probed", reason: "could not connect: the server could not be reached" },
        { kind: "unavailable", serverName: "upstream", reason: `${UPSTREAM_DOWN} (error -32603)` },
        { kind: "misconfigured", reason: expect.stringMatching(/server "typo": protocol: "2025-06-18" cannot be pinned: use "legacy"/) },
      ]),
    );
    expect(notices).toHaveLength(4);
    // The notices come right after the message starts, before any tool runs, so they are never lost in a reset.
    const types = stream.seen.map((c) => c.type);
    expect(types.indexOf("start")).toBeLessThan(types.indexOf(SERVER_NOTICE_PART_TYPE));
    expect(types.lastIndexOf(SERVER_NOTICE_PART_TYPE)).toBeLessThan(types.indexOf("tool-input-available"));
  });

  it("names a server that died since the last turn, and uses it again once it is back", async () => {
    const threadId = "thread-flaky";
    const first = await chat('use `flaky.deploy` {"service": "a"}', { threadId });
    const card = cardOf(await first.waitFor(isCard("pending"), "the card from flaky"));
    await answer(card.id, { action: "cancel" });
    await first.readToEnd();
    expect(first.seen.filter(isNotice("flaky"))).toEqual([]);

    await flaky.close();
    const second = await chat('use `everything.echo` {"message": "two"}', { threadId });
    await second.readToEnd();
    expect(noticeOf(await second.waitFor(isNotice("flaky")))).toEqual({
      kind: "unavailable",
      serverName: "flaky",
      reason: "could not connect: connection refused (ECONNREFUSED)",
    });
    expect(second.text()).toContain("two");

    flaky = await startModernHttpServer({ port: flakyPort });
    const third = await chat('use `flaky.deploy` {"service": "c"}', { threadId });
    const again = cardOf(await third.waitFor(isCard("pending"), "the card from flaky, back"));
    await answer(again.id, { action: "accept", content: { target: "staging", confirm: true } });
    await third.readToEnd();
    expect(third.seen.filter(isNotice("flaky"))).toEqual([]);
    expect(flaky.deployments).toEqual([{ service: "c", target: "staging", deployed: true }]);
  });

  it("starts a stdio server that crashed between turns again, without a notice", async () => {
    const threadId = "thread-crash";
    await (await chat('use `everything.echo` {"message": "one"}', { threadId })).readToEnd();
    const before = childProcesses("server-everything");
    expect(before.length).toBeGreaterThan(0);
    before.forEach((pid) => process.kill(pid, "SIGKILL"));
    await expect.poll(() => before.filter(isAlive)).toEqual([]);

    const stream = await chat('use `everything.echo` {"message": "after the crash"}', { threadId });
    await stream.readToEnd();
    expect(stream.text()).toContain("after the crash");
    expect(stream.seen.filter(isNotice("everything"))).toEqual([]);
  });
});
