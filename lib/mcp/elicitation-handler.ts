import type { MCPInputRequestHandler } from "@mastra/mcp";
import { COMMAND_META_KEY, CORRELATION_META_KEY, RISK_META_KEY } from "@/mcp-server/contract";
import type { ChatRuns } from "@/lib/chat/runs";
import { requestedSchemaSchema } from "@/lib/elicitation/contract";
import { safeHttpUrl } from "./url-elicitation";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";

interface HandlerDeps {
  serverName: string;
  runs: ChatRuns;
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
export function createElicitationHandler({ serverName, runs, registry, timeoutMs, log, threadId }: HandlerDeps): MCPInputRequestHandler {
  return async ({ params, signal }) => {
    const meta = params._meta ?? {};
    const run = runs.routeOf(serverName, meta[CORRELATION_META_KEY], threadId);
    if (!run) {
      log(`${serverName}: elicitation with no conversation to show it in; cancelled`);
      return { action: "cancel" };
    }
    if (params.mode === "url") {
      const url = safeHttpUrl(params.url);
      if (!url) {
        log(`${serverName}: URL elicitation with an address that is not http(s); cancelled`);
        return { action: "cancel" };
      }
      const { settled } = registry.open({
        threadId: run.threadId,
        serverName,
        message: params.message,
        mode: "url",
        url,
        requestedSchema: { type: "object", properties: {} },
        timeoutMs,
        signal: AbortSignal.any([run.signal, signal]),
        onChange: (data) => run.showElicitation(data),
      });
      // Consent means "I opened it"; the page itself tells the server when the flow is done.
      return { action: (await settled).action };
    }
    const schema = requestedSchemaSchema.safeParse(params.requestedSchema);
    if (!schema.success) {
      log(`${serverName}: unreadable requestedSchema; cancelled`);
      return { action: "cancel" };
    }

    const { settled } = registry.open({
      threadId: run.threadId,
      serverName,
      message: params.message,
      requestedSchema: schema.data,
      command: stringOrUndefined(meta[COMMAND_META_KEY]),
      risk: stringOrUndefined(meta[RISK_META_KEY]),
      timeoutMs,
      // The legacy protocol's request signal does not follow the tool call, so the run's signal is needed too.
      signal: AbortSignal.any([run.signal, signal]),
      onChange: (data) => run.showElicitation(data),
    });
    const { action, content } = await settled;
    return action === "accept" ? { action, content: content ?? {} } : { action };
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
