import { describe, expect, it, vi } from "vitest";
import { ApiError, DatabaseUnavailableError, errorResponse, isDatabaseUnavailable } from "./errors";

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

/** What pg's DatabaseError looks like: a server error carries a severity and a SQLSTATE code. */
const serverError = (code: string, message = "server says no") => Object.assign(new Error(message), { severity: "FATAL", code });

describe("a database that cannot be reached", () => {
  it.each([
    [
      "no connection could be had (refused, pool timeout)",
      new DatabaseUnavailableError("postgres://app@db/chat", new Error("connect ECONNREFUSED")),
    ],
    ["the server shut down under the query (57P01)", serverError("57P01", "terminating connection due to administrator command")],
    ["the server is starting up (57P03)", serverError("57P03")],
    ["a connection exception (08006)", serverError("08006")],
    ["too many connections (53300)", serverError("53300")],
    ["the connection went away under the query", new Error("Connection terminated unexpectedly")],
    ["wrapped by whoever called it", new Error("Cannot open the database", { cause: serverError("57P01") })],
  ])("is a 503 saying to try again: %s", async (_, error) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(isDatabaseUnavailable(error)).toBe(true);
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: "unavailable", message: "The database is unavailable; try again shortly." } });
  });

  it.each([
    ["a constraint the query broke (23505)", serverError("23505", "duplicate key value")],
    ["a wrong password (28P01): a setting to fix, not an outage", serverError("28P01")],
    ["a code that only looks like a SQLSTATE, from something that is not the server", Object.assign(new Error("x"), { code: "08006" })],
    [
      "another service refusing a connection (not the database's pool)",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    ],
  ])("is not: %s", (_, error) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(errorResponse(error).status).toBe(500);
  });
});
