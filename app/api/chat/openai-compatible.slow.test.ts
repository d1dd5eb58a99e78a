/**
 * The real-model path: @ai-sdk/openai over real HTTP against a local fake OpenAI-compatible server (as Ollama,
 * LM Studio or vLLM would be) that streams a tool call over SSE, then answers once it sees the tool result.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeMcpConnection } from "@/testing/mcp-connection";
import { UiStreamReader } from "@/testing/ui-stream";
import { POST as chatRoute } from "./route";

interface ChatCompletionRequest {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: unknown }>;
  tools?: Array<{ function: { name: string } }>;
}

const received: ChatCompletionRequest[] = [];
const FINAL_ANSWER = "The fake model saw the listing.";
let server: Server;
let workspace: string;

function chunk(delta: object, finish: string | null = null): string {
  const body = {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "fake-model",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = "";
  for await (const part of request) text += part;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as ChatCompletionRequest;
    received.push(body);
    response.writeHead(200, { "content-type": "text/event-stream" });
    const sawToolResult = body.messages.some((m) => m.role === "tool");
    if (!sawToolResult) {
      const call = { index: 0, id: "call_1", type: "function", function: { name: "shell_run_command", arguments: "" } };
      response.write(chunk({ role: "assistant", content: null, tool_calls: [call] }));
      response.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command":' } }] }));
      response.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '"ls -la"}' } }] }));
      response.write(chunk({}, "tool_calls"));
    } else {
      response.write(chunk({ role: "assistant", content: FINAL_ANSWER }));
      response.write(chunk({}, "stop"));
    }
    response.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  workspace = mkdtempSync(path.join(tmpdir(), "chat-openai-"));
  mkdirSync(path.join(workspace, "listed-by-fake"));
  process.env.WORKSPACE_DIR = workspace;
  process.env.OPENAI_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  process.env.OPENAI_MODEL = "fake-model";
  delete process.env.OPENAI_API_KEY;
});

afterAll(async () => {
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_MODEL;
  await closeMcpConnection();
  await new Promise((resolve) => server.close(resolve));
  rmSync(workspace, { recursive: true, force: true });
});

it("drives the shell tool through an OpenAI-compatible server's streamed tool call", async () => {
  const response = await chatRoute(
    new Request("http://127.0.0.1/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: "thread-openai",
        messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "what is here?" }] }],
      }),
    }),
  );
  const stream = new UiStreamReader(response);
  await stream.readToEnd();

  const output = stream.seen.find((c) => c.type === "tool-output-available");
  expect(output?.output).toMatchObject({ command: "ls -la", ran: true, exitCode: 0 });
  expect(stream.text()).toBe(FINAL_ANSWER);

  expect(received).toHaveLength(2);
  expect(received[0]).toMatchObject({ model: "fake-model", stream: true });
  expect(received[0]?.tools?.map((t) => t.function.name)).toContain("shell_run_command");
  const toolMessage = received[1]?.messages.find((m) => m.role === "tool");
  expect(JSON.stringify(toolMessage?.content)).toContain("listed-by-fake");
});
