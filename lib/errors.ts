/**
 * One error type for every API route: a code the client can branch on, a status, a message a person can read,
 * and optional details (e.g. which field was wrong). `toResponse()` logs the cause and returns the envelope of
 * lib/api-contract.ts.
 */
import { API_ERROR_STATUS, apiErrorBody, type ApiErrorCode } from "@/lib/api-contract";

export type ErrorCode = ApiErrorCode;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  toResponse(): Response {
    if (this.code === "internal") console.error(`[api] ${this.message}`, this.cause ?? "");
    return Response.json(apiErrorBody(this.code, this.message, this.details), { status: this.status });
  }
}

/**
 * An ApiError, whichever copy of this module made it: Next.js bundles each route apart, so one thrown by a service
 * that another route's bundle built (state shared on globalThis) is not an `instanceof` this copy's class.
 */
function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (!(error instanceof Error) || error.name !== "ApiError") return undefined;
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  if (typeof code !== "string" || !Object.hasOwn(API_ERROR_STATUS, code)) return undefined;
  return new ApiError(code as ErrorCode, error.message, { details, cause: error.cause });
}

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly.";

/** Turns anything thrown in a route into a response, hiding internals of errors we did not expect. */
export function errorResponse(error: unknown): Response {
  const apiError = asApiError(error);
  if (apiError) return apiError.toResponse();
  if (isDatabaseUnavailable(error)) {
    // Not a bug of ours: say so in the log, once per request, without the stack.
    console.error(`[api] the database is unavailable: ${errorMessage(error)}`);
    return new ApiError("unavailable", DATABASE_UNAVAILABLE_MESSAGE).toResponse();
  }
  return new ApiError("internal", "Something went wrong on the server.", { cause: error }).toResponse();
}

/** The message of anything thrown, for logs and error texts. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/*
 * Whether an error means the database cannot be reached right now (Postgres down, restarting, out of connections),
 * as opposed to a bug or a bad query: the API answers the first with 503 and the client may try again. No import of
 * `pg` here (this module is browser-safe): errors are recognised by their shape, and the cause chain is followed,
 * since a store or library may wrap the driver's error.
 */

/** The name of the error lib/db/open-postgres.ts throws when no connection could be had (refused, timed out). */
export const DATABASE_UNAVAILABLE = "DatabaseUnavailableError";

/** The driver's own words for a connection that went away under a query (pg has no code for these). */
const LOST_CONNECTION = [
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

/**
 * SQLSTATEs that say the server is not there for us: class 08 (connection exception), 57P01 admin shutdown, 57P02
 * crash shutdown, 57P03 cannot connect now (starting up or in recovery), 53300 too many connections.
 */
const UNAVAILABLE_STATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!(current instanceof Error) || seen.has(current)) continue;
    seen.add(current);
    if (current.name === DATABASE_UNAVAILABLE || LOST_CONNECTION.includes(current.message)) return true;
    const { code, severity } = current as Error & { code?: unknown; severity?: unknown };
    // A server's error (pg's DatabaseError carries a severity), not some other library's code that looks alike.
    if (typeof severity === "string" && typeof code === "string" && UNAVAILABLE_STATE.test(code)) return true;
    pending.push(current.cause);
    if (current instanceof AggregateError) pending.push(...current.errors);
  }
  return false;
}

/** The error open-postgres.ts throws when it cannot get a connection; its cause is the driver's error. */
export class DatabaseUnavailableError extends Error {
  constructor(location: string, cause: unknown) {
    super(`Cannot reach the database at ${location}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = DATABASE_UNAVAILABLE;
  }
}
