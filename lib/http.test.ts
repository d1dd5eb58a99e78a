import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "./errors";
import { readJsonBody } from "./http";

const schema = z.object({ a: z.number() });

function chunked(text: string): Request {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
      controller.close();
    },
  });
  return new Request("http://127.0.0.1/x", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
}

describe("readJsonBody", () => {
  it("reads a chunked body without Content-Length", async () => {
    await expect(readJsonBody(chunked('{"a": 1}'), schema, 100)).resolves.toEqual({ a: 1 });
  });

  it("stops reading a chunked body once it passes the limit", async () => {
    const error = await readJsonBody(chunked(`{"a": 1, "pad": "${"x".repeat(10_000)}"}`), schema, 4_096).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
  });
});
