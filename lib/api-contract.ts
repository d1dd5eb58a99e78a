/**
 * The HTTP API's shared shapes, defined once for the routes, proxy.ts and the browser: the error envelope every
 * non-2xx JSON response carries, and the paths of the API.
 */
import { z } from "zod";

/** A code the client can branch on, and the status each answers with. */
export const API_ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_content: 422,
  internal: 500,
  /** The database cannot be reached right now (Postgres down or restarting): try again shortly. */
  unavailable: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export const apiErrorCodeSchema = z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]);

/** `{ error: { code, message, details? } }`: a message a person can read, and details (e.g. which field was wrong). */
export const apiErrorBodySchema = z.object({
  error: z.object({ code: apiErrorCodeSchema, message: z.string(), details: z.unknown().optional() }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

export function apiErrorBody(code: ApiErrorCode, message: string, details?: unknown): ApiErrorBody {
  return { error: { code, message, ...(details !== undefined && { details }) } };
}

/** The error a response carries, if it is one in our envelope. */
export function apiErrorOf(json: unknown): ApiErrorBody["error"] | undefined {
  const parsed = apiErrorBodySchema.safeParse(json);
  return parsed.success ? parsed.data.error : undefined;
}

const segment = encodeURIComponent;

/** The API's paths. Conversation ids travel as `threadId` (query) and `id` (POST /api/chat body), as ever. */
export const apiPaths = {
  chat: "/api/chat",
  runStream: (runId: string) => `/api/chat/runs/${segment(runId)}/stream`,
  runStop: (runId: string) => `/api/chat/runs/${segment(runId)}/stop`,
  conversation: (conversationId: string) => `/api/chat/threads/${segment(conversationId)}`,
  conversations: (query: { q?: string; limit?: number } = {}) => {
    const search = new URLSearchParams();
    if (query.q) search.set("q", query.q);
    if (query.limit !== undefined) search.set("limit", String(query.limit));
    return `/api/chat/threads${search.size ? `?${search}` : ""}`;
  },
  elicitation: (id: string) => `/api/elicitations/${segment(id)}`,
  pendingElicitations: (conversationId: string) => `/api/elicitations?${new URLSearchParams({ threadId: conversationId })}`,
  toolApprovals: (query: { threadId: string; serverName?: string; toolName?: string }) =>
    `/api/tool-approvals?${new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined))}`,
} as const;
