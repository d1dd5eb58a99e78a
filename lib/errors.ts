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

/** Turns anything thrown in a route into a response, hiding internals of errors we did not expect. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.toResponse();
  return new ApiError("internal", "Something went wrong on the server.", { cause: error }).toResponse();
}

/** The message of anything thrown, for logs and error texts. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
