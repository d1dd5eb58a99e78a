import "server-only";
import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/elicitation/settlement";
import type { RememberedTool } from "./tool-approval-contract";

interface Entry extends RememberedTool {
  /** The tool as it was when allowed: a server that redefines the tool later gets asked again. */
  fingerprint: string;
}

const MAX_THREADS = 1_000;
const MAX_PER_THREAD = 200;

/** A hash of what the person saw when they said "always": the description, the hints and the input schema. */
export function toolFingerprint(tool: { description?: string; annotations?: unknown; inputSchema?: unknown }): string {
  const canonical = canonicalJson([tool.description ?? "", tool.annotations ?? null, tool.inputSchema ?? null]);
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * "Always allow this tool in this conversation", remembered in memory per conversation (thread id) and per server
 * and tool name, until revoked or the app restarts. Another conversation, another server with a tool of the same
 * name, or the same tool redefined by its server, is asked again.
 */
export class ToolApprovalMemory {
  private readonly threads = new Map<string, Map<string, Entry>>();

  allow(threadId: string, serverName: string, toolName: string, fingerprint: string): void {
    let tools = this.threads.get(threadId);
    if (tools) this.threads.delete(threadId);
    tools ??= new Map();
    // Map order is use order: the conversation used last goes to the end, the oldest is dropped first.
    this.threads.set(threadId, tools);
    tools.delete(key(serverName, toolName));
    tools.set(key(serverName, toolName), { serverName, toolName, fingerprint, createdAt: Date.now() });
    for (const old of tools.keys()) if (tools.size > MAX_PER_THREAD) tools.delete(old);
    for (const old of this.threads.keys()) if (this.threads.size > MAX_THREADS) this.threads.delete(old);
  }

  allows(threadId: string, serverName: string, toolName: string, fingerprint: string): boolean {
    return this.threads.get(threadId)?.get(key(serverName, toolName))?.fingerprint === fingerprint;
  }

  list(threadId: string): RememberedTool[] {
    return [...(this.threads.get(threadId)?.values() ?? [])].map(({ serverName, toolName, createdAt }) => ({
      serverName,
      toolName,
      createdAt,
    }));
  }

  /** True when there was something to forget. */
  revoke(threadId: string, serverName: string, toolName: string): boolean {
    return this.threads.get(threadId)?.delete(key(serverName, toolName)) ?? false;
  }
}

function key(serverName: string, toolName: string): string {
  return JSON.stringify([serverName, toolName]);
}
