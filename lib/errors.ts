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

/** Turns anything thrown in a route into a response, hiding internals of errors we did not expect. */
export function errorResponse(error: unknown): Response {
  const apiError = asApiError(error);
  if (apiError) return apiError.toResponse();
  return new ApiError("internal", "Something went wrong on the server.", { cause: error }).toResponse();
}

/** The message of anything thrown, for logs and error texts. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
