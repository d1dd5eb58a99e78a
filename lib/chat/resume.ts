/**
 * The response header that names a turn's run, which assistant-ui's resumable transport keeps in sessionStorage
 * and hands back to GET /api/chat/runs/{id}/stream after a reload. (Same value as assistant-ui's
 * RESUMABLE_STREAM_ID_HEADER, which lives in a client-only module.)
 */
export const RUN_ID_HEADER = "x-resumable-stream-id";
