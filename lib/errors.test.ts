import { describe, expect, it, vi } from "vitest";
import { ApiError, errorResponse } from "./errors";

describe("errorResponse", () => {
  it("answers an ApiError with its status and envelope", async () => {
    const response = errorResponse(new ApiError("not_found", "No such request."));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such request." } });
  });

  it("recognises an ApiError made by another copy of the module (another route's bundle)", async () => {
    const foreign = Object.assign(new Error("Not yours."), { name: "ApiError", code: "forbidden", details: { why: "x" } });
    const response = errorResponse(foreign);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "forbidden", message: "Not yours.", details: { why: "x" } } });
  });

  it("hides anything else behind a 500, including errors that only pretend to be ApiErrors", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const error of [new Error("db password is hunter2"), Object.assign(new Error("x"), { name: "ApiError", code: "toString" })]) {
      const response = errorResponse(error);
      expect(response.status).toBe(500);
      expect(JSON.stringify(await response.json())).not.toContain("hunter2");
    }
  });
});
