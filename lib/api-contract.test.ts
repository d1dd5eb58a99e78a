import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { apiErrorBodySchema, apiErrorOf, apiPaths } from "./api-contract";
import { ApiError } from "./errors";

describe("the API error envelope", () => {
  it("is what ApiError responds with, details included", async () => {
    const response = new ApiError("conflict", "Already answered.", { details: { status: "accepted" } }).toResponse();
    expect(response.status).toBe(409);
    expect(apiErrorOf(await response.json())).toEqual({ code: "conflict", message: "Already answered.", details: { status: "accepted" } });
  });

  it("is what proxy.ts refuses a foreign host with", async () => {
    const response = await proxy(new NextRequest("http://evil.example/api/chat", { headers: { host: "evil.example" } }));
    expect(response.status).toBe(403);
    const body = apiErrorBodySchema.parse(await response.json());
    expect(body.error.code).toBe("forbidden");
  });

  it("reads as nothing when a response is not one", () => {
    expect(apiErrorOf({ messages: [] })).toBeUndefined();
    expect(apiErrorOf(undefined)).toBeUndefined();
  });
});

describe("API paths", () => {
  it("encode ids and queries", () => {
    expect(apiPaths.runStream("a/b")).toBe("/api/chat/runs/a%2Fb/stream");
    expect(apiPaths.runStop("r1")).toBe("/api/chat/runs/r1/stop");
    expect(apiPaths.conversation("t 1")).toBe("/api/chat/threads/t%201");
    expect(apiPaths.elicitation("e1")).toBe("/api/elicitations/e1");
    expect(apiPaths.pendingElicitations("t&1")).toBe("/api/elicitations?threadId=t%261");
    expect(apiPaths.toolApprovals({ threadId: "t1", serverName: "db", toolName: "drop" })).toBe(
      "/api/tool-approvals?threadId=t1&serverName=db&toolName=drop",
    );
    expect(apiPaths.toolApprovals({ threadId: "t1" })).toBe("/api/tool-approvals?threadId=t1");
  });
});
