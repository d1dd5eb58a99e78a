/**
 * The chat route as a browser uses it: a real MCP server over stdio, the offline model, the stream read
 * chunk by chunk, and answers sent to the elicitations route while the tool waits.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverState } from "@/lib/server-state";
import { answer, cardOf, chat, isCard, isToolOutput } from "@/testing/chat-client";
import { closeMcpConnection } from "@/testing/mcp-connection";
import { childProcesses, environmentOf, isAlive } from "@/testing/processes";
import { LIVE_OUTPUT_PART_TYPE } from "@/lib/chat/live-output";
import { RUN_ID_HEADER } from "@/lib/chat/resume";
import { UiStreamReader } from "@/testing/ui-stream";
import { POST as chatRoute } from "./route";
import { GET as runStreamRoute } from "./runs/[id]/stream/route";

const reattach = (id: string) =>
  runStreamRoute(new Request(`http://127.0.0.1/api/chat/runs/${id}/stream`), { params: Promise.resolve({ id }) });

const TIMEOUT_MS = 4_000;
const GRACE_MS = 300;
const SECRET = "elicit-chat-test-secret-8431";
let workspace: string;

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "chat-route-"));
  process.env.WORKSPACE_DIR = workspace;
  process.env.ELICITATION_TIMEOUT_MS = String(TIMEOUT_MS);
  // The bundled server speaks 2026-07-28: its questions are durable, with their own lifetime.
  process.env.DURABLE_QUESTION_TIMEOUT_MS = String(TIMEOUT_MS);
  process.env.ELICIT_CHAT_TEST_SECRET = SECRET;
  process.env.CHAT_RECONNECT_GRACE_MS = String(GRACE_MS);
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
});
afterAll(async () => {
  await closeMcpConnection();
  rmSync(workspace, { recursive: true, force: true });
});

function makeDir(name: string): string {
  const dir = path.join(workspace, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("POST /api/chat", () => {
  it("runs a read-only command without a card and summarises it", async () => {
    makeDir("visible-dir");
    const stream = await chat("run `ls -la`");
    const chunks = await stream.readToEnd();
    expect(chunks.some(isCard())).toBe(false);
    const output = chunks.find(isToolOutput);
    expect(output?.output).toMatchObject({ ran: true, approval: "not_required", exitCode: 0 });
    expect(stream.text()).toContain("visible-dir");
  });

  it("shows the card before the tool result, runs after accept, and updates the card", async () => {
    const target = makeDir("build-accept");
    const stream = await chat("please run `rm -rf build-accept`");
    const pending = cardOf(await stream.waitFor(isCard("pending"), "the approval card"));
    expect(pending).toMatchObject({ serverName: "shell", command: "rm -rf build-accept", status: "pending" });
    expect(pending.risk).toContain("deletes files");
    expect(stream.seen.some(isToolOutput)).toBe(false);
    expect(existsSync(target)).toBe(true);

    const response = await answer(pending.id, { action: "accept", content: {} });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: pending.id, status: "accepted" });

    await stream.waitFor(isCard("accepted"), "the accepted card");
    const output = await stream.waitFor(isToolOutput, "the tool result");
    expect(output.output).toMatchObject({ ran: true, approval: "approved", exitCode: 0 });
    await stream.readToEnd();
    expect(existsSync(target)).toBe(false);
    expect(stream.text()).toContain("after your approval");
  });

  it.each([
    ["decline", "declined"],
    ["cancel", "cancelled"],
  ] as const)("does not run after %s", async (action, status) => {
    const target = makeDir(`build-${action}`);
    const stream = await chat(`run \`rm -rf build-${action}\``);
    const pending = cardOf(await stream.waitFor(isCard("pending")));
    expect((await answer(pending.id, { action })).status).toBe(200);
    await stream.waitFor(isCard(status));
    const output = await stream.waitFor(isToolOutput);
    expect(output.output).toMatchObject({ ran: false, approval: status });
    await stream.readToEnd();
    expect(existsSync(target)).toBe(true);
    expect(stream.text()).toContain(`Not run: ${status}`);
  });

  it("keeps two conversations' cards apart and runs only the command whose card was accepted", async () => {
    const a = makeDir("build-a");
    const b = makeDir("build-b");
    const [streamA, streamB] = await Promise.all([chat("run `rm -rf build-a`"), chat("run `rm -rf build-b`")]);
    const [cardA, cardB] = await Promise.all([streamA.waitFor(isCard("pending")), streamB.waitFor(isCard("pending"))]);
    expect(cardOf(cardA).command).toBe("rm -rf build-a");
    expect(cardOf(cardB).command).toBe("rm -rf build-b");

    await answer(cardOf(cardB).id, { action: "accept" });
    await streamB.readToEnd();
    expect(existsSync(b)).toBe(false);
    expect(existsSync(a)).toBe(true);

    await answer(cardOf(cardA).id, { action: "decline" });
    await streamA.readToEnd();
    expect(existsSync(a)).toBe(true);
    expect(streamA.seen.filter(isCard()).every((c) => cardOf(c).command === "rm -rf build-a")).toBe(true);
    expect(streamB.seen.filter(isCard()).every((c) => cardOf(c).command === "rm -rf build-b")).toBe(true);
  });

  it("expires an unanswered card: the server gets cancel and nothing runs", async () => {
    const target = makeDir("build-expire");
    const stream = await chat("run `rm -rf build-expire`");
    const pending = cardOf(await stream.waitFor(isCard("pending")));
    expect(pending.expiresAt - pending.createdAt).toBe(TIMEOUT_MS);
    await stream.waitFor(isCard("expired"), "the expired card");
    const output = await stream.waitFor(isToolOutput);
    expect(output.output).toMatchObject({ ran: false, approval: "cancelled" });
    expect(existsSync(target)).toBe(true);
    const late = await answer(pending.id, { action: "accept" });
    expect(late.status).toBe(404);
  });

  it("lets a reloaded tab reattach to a turn, replaying it, and answer the card it finds", async () => {
    const target = makeDir("build-reload");
    const controller = new AbortController();
    const first = await chat("run `rm -rf build-reload`", { signal: controller.signal });
    const runId = first.response.headers.get(RUN_ID_HEADER);
    const pending = cardOf(await first.waitFor(isCard("pending")));
    controller.abort(); // the reload: the first response goes away

    const again = await reattach(runId!);
    expect(again.status).toBe(200);
    const replay = new UiStreamReader(again);
    expect(cardOf(await replay.waitFor(isCard("pending"))).id).toBe(pending.id);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2)); // watched again: the grace period no longer runs
    expect((await answer(pending.id, { action: "accept", content: {} })).status).toBe(200);
    const output = await replay.waitFor(isToolOutput);
    expect(output.output).toMatchObject({ ran: true, approval: "approved" });
    await replay.readToEnd();
    expect(existsSync(target)).toBe(false);
    expect((await reattach("no-such-run")).status).toBe(204);
  });

  it("keeps a durable card when the browser goes away: nothing runs until a yes, which resumes the turn", async () => {
    const target = makeDir("build-abort");
    const controller = new AbortController();
    const stream = await chat("run `rm -rf build-abort`", { signal: controller.signal });
    const pending = cardOf(await stream.waitFor(isCard("pending")));
    expect(pending.durable).toBe(true);
    controller.abort();
    // Nobody watches: the turn ends after the grace period, its question waits on in storage.
    const runId = stream.response.headers.get(RUN_ID_HEADER)!;
    await expect.poll(() => serverState().turns.get(runId), { timeout: 10_000 }).toBeUndefined();
    expect(serverState().registry.get(pending.id)?.status).toBe("pending");
    expect(existsSync(target)).toBe(true);
    expect((await answer(pending.id, { action: "accept" })).status).toBe(200);
    await expect.poll(() => existsSync(target), { timeout: 10_000 }).toBe(false);
    expect((await answer(pending.id, { action: "accept" })).status).toBe(409);
  });

  it("does not hand the app's environment to the MCP server", async () => {
    await (await chat("run `pwd`")).readToEnd();
    const [pid] = childProcesses("mcp-server/stdio.ts");
    expect(pid).toBeDefined();
    const environment = environmentOf(pid!);
    expect(environment).toContain(`WORKSPACE_DIR=${workspace}`);
    expect(environment.join("\n")).not.toContain(SECRET);
    expect(environment.some((line) => line.startsWith("OPENAI_"))).toBe(false);
  });

  it("starts the MCP server again after it crashed", async () => {
    await (await chat("run `pwd`")).readToEnd();
    const [pid] = childProcesses("mcp-server/stdio.ts");
    expect(pid).toBeDefined();
    process.kill(pid!, "SIGKILL");
    await expect.poll(() => isAlive(pid!), { timeout: 10_000 }).toBe(false);

    const stream = await chat("run `pwd`");
    const output = await stream.waitFor(isToolOutput);
    expect(output.output).toMatchObject({ ran: true, exitCode: 0 });
    await stream.readToEnd();
    expect(childProcesses("mcp-server/stdio.ts")).not.toContain(pid);
  });

  it("streams a running command's output into the chat before its result", async () => {
    const stream = await chat("run `for i in 1 2 3; do echo line$i; sleep 0.3; done`");
    await answer(cardOf(await stream.waitFor(isCard("pending"))).id, { action: "accept", content: {} });
    const live = await stream.waitFor((c) => c.type === LIVE_OUTPUT_PART_TYPE && JSON.stringify(c.data).includes("line1"));
    expect(stream.seen.indexOf(live)).toBeLessThan(stream.seen.findIndex(isToolOutput) >>> 0);
    const output = await stream.waitFor(isToolOutput);
    expect((output.output as { stdout: string }).stdout).toBe("line1\nline2\nline3\n");
    await stream.readToEnd();
  });

  it("rejects a malformed body with 400 and a JSON error", async () => {
    const response = await chatRoute(
      new Request("http://127.0.0.1/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_request" } });

    const noMessages = await chatRoute(
      new Request("http://127.0.0.1/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "t", messages: [] }),
      }),
    );
    expect(noMessages.status).toBe(400);
    expect((await noMessages.json()).error.message).toContain("messages");
  });
});

describe("POST /api/elicitations/{id}", () => {
  it("answers 404 for an unknown id", async () => {
    const response = await answer("does-not-exist", { action: "accept" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it.each([
    ["not JSON", "{", "application/json", 400],
    ["an unknown action", JSON.stringify({ action: "maybe" }), "application/json", 400],
    ["content with decline", JSON.stringify({ action: "decline", content: { a: 1 } }), "application/json", 400],
    ["content of the wrong type", JSON.stringify({ action: "accept", content: { a: { nested: true } } }), "application/json", 400],
    ["a wrong content type", JSON.stringify({ action: "accept" }), "text/plain", 415],
    ["a body over 64 KB", JSON.stringify({ action: "accept", content: { a: "x".repeat(70_000) } }), "application/json", 413],
  ])("rejects %s", async (_what, body, contentType, status) => {
    const response = await answer("any-id", body, contentType);
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json.error.message).toEqual(expect.any(String));
  });

  it("answers 409 with the recorded outcome to a second answer, and does not forward it", async () => {
    const target = makeDir("build-twice");
    const stream = await chat("run `rm -rf build-twice`");
    const pending = cardOf(await stream.waitFor(isCard("pending")));
    expect((await answer(pending.id, { action: "decline" })).status).toBe(200);
    const second = await answer(pending.id, { action: "accept" });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "conflict", details: { status: "declined" } } });
    await stream.readToEnd();
    expect(existsSync(target)).toBe(true);
  });
});
