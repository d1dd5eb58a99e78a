import "server-only";
import type { MCPInputRequestHandler } from "@mastra/mcp";
import { COMMAND_META_KEY, CORRELATION_META_KEY, RISK_META_KEY } from "@/mcp-server/contract";
import type { ChatTurns } from "@/lib/chat/turns";
import { requestedSchemaSchema } from "@/lib/elicitation/contract";
import { serverAbortNote, turnEndNote } from "./abort-notes";
import { NO_FIELDS, safeHttpUrl } from "./url-elicitation";
import type { ElicitationRegistry, OpenElicitation } from "@/lib/elicitation/registry";

interface HandlerDeps {
  serverName: string;
  turns: ChatTurns;
  registry: ElicitationRegistry;
  timeoutMs: number;
  log: (message: string) => void;
  /** Set when the connection belongs to one conversation (servers from mcp.json). */
  threadId?: string;
}

/**
 * Answers one MCP server's elicitations by showing a card in the right conversation and waiting for the
 * person. Every path that is not a person's explicit answer ends in `cancel`: no conversation to show it in,
 * a schema we cannot read, a mode we do not support, the timeout, or the chat request closing.
 */
export function createElicitationHandler({ serverName, turns, registry, timeoutMs, log, threadId }: HandlerDeps): MCPInputRequestHandler {
  return async ({ params, signal }) => {
    const meta = params._meta ?? {};
    const run = turns.routeOf(serverName, meta[CORRELATION_META_KEY], threadId);
    if (!run) {
      log(`${serverName}: elicitation with no conversation to show it in; cancelled`);
      return { action: "cancel" };
    }
    const request = questionFields(params);
    if ("refused" in request) {
      log(`${serverName}: ${request.refused}; cancelled`);
      return { action: "cancel" };
    }
    const { settled } = registry.open({
      ...request,
      threadId: run.threadId,
      requesterId: run.ownerId,
      requesterName: run.ownerName,
      serverName,
      message: params.message,
      timeoutMs,
      // The legacy protocol's request signal does not follow the tool call, so the run's signal is needed too.
      signal: AbortSignal.any([run.signal, signal]),
      // The card says which of them ended it: a stopped turn and a crashed server are different stories.
      abortNote: () => (run.signal.aborted ? turnEndNote(run.signal.reason) : serverAbortNote(signal.reason)),
      onChange: (data) => run.showElicitation(data),
    });
    const { action, content } = await settled;
    // For a URL, accept means "I opened it"; the page itself tells the server when its flow is done.
    return action === "accept" && params.mode !== "url" ? { action, content: content ?? {} } : { action };
  };
}

export type RequestFields = Pick<OpenElicitation, "mode" | "url" | "requestedSchema" | "command" | "risk">;

/** What a card shows of an MCP elicitation's params, or why it cannot be shown (then it is cancelled). */
export function questionFields(params: {
  mode?: string;
  url?: unknown;
  requestedSchema?: unknown;
  _meta?: Record<string, unknown>;
}): RequestFields | { refused: string } {
  return params.mode === "url" ? urlRequest(params.url) : formRequest(params.requestedSchema, params._meta ?? {});
}

function urlRequest(raw: unknown): RequestFields | { refused: string } {
  const url = safeHttpUrl(raw);
  return url ? { mode: "url", url, requestedSchema: NO_FIELDS } : { refused: "URL elicitation with an address that is not http(s)" };
}

function formRequest(raw: unknown, meta: Record<string, unknown>): RequestFields | { refused: string } {
  const schema = requestedSchemaSchema.safeParse(raw);
  if (!schema.success) return { refused: "unreadable requestedSchema" };
  return {
    mode: "form",
    requestedSchema: schema.data,
    command: stringOrUndefined(meta[COMMAND_META_KEY]),
    risk: stringOrUndefined(meta[RISK_META_KEY]),
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
