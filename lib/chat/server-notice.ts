/**
 * The `data-server-notice` part, defined once: an MCP server whose tools a turn goes on without, named with the
 * reason, so the person sees why a tool is missing instead of an empty or puzzling reply. Written by the turn
 * (start-turn.ts), rendered by components/server-notice.tsx, read by the tests.
 */
import { z } from "zod";

export const SERVER_NOTICE_PART_NAME = "server-notice";
export const SERVER_NOTICE_PART_TYPE = `data-${SERVER_NOTICE_PART_NAME}` as const;

export const serverNoticeSchema = z.object({
  /**
   * unavailable: it could not be reached, or failed to start or to list its tools (tried again next turn);
   * misconfigured: its mcp.json entry (or the file) is invalid, so it was left out until the file is fixed.
   */
  kind: z.enum(["unavailable", "misconfigured"]),
  /** The configured name, e.g. "everything"; absent when the problem is the file itself. */
  serverName: z.string().optional(),
  /** Why, in a person's words: "could not connect: connection refused (ECONNREFUSED)". */
  reason: z.string(),
});
export type ServerNotice = z.infer<typeof serverNoticeSchema>;
