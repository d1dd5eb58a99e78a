/**
 * MCP Tasks (protocol revision 2025-11-25) for the "people" server: a task-aware client calls ask_human or
 * request_review with `task` and gets a task handle at once, then follows it with tasks/get, tasks/result,
 * tasks/list and tasks/cancel. The task is the human request itself (the task id is the request's id), kept by the
 * shared HumanRequests for the key's user: any per-request server on any instance answers for it, and another
 * user's task answers exactly as an unknown id.
 *
 * Why by hand: SDK v2 has no task runtime. Its typed handlers leave tasks/* out, McpServer ignores `task` on
 * tools/call, and the 2026-07-28 revision has no tasks (the SDK strips the capability and taskSupport there). The
 * 2025-11-25 wire still carries them, so a 2025-era server registers the four methods as custom handlers and,
 * for the one request it serves, takes over tools/call when that request asks for a task.
 */
import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ProtocolError,
  ProtocolErrorCode,
  RELATED_TASK_META_KEY,
  type CallToolResult,
  type McpServer,
  type Task,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Identity } from "@/lib/auth/authenticate";
import { InvalidAskError } from "./answer-format";
import { ASK_HUMAN_TOOL, askHumanInputShape, REQUEST_REVIEW_TOOL, requestReviewInputShape, type HumanRequest } from "./contract";
import type { Asked, HumanRequests } from "./human-requests";
import { outcomeOf } from "./mcp-server";

/** How often a client should poll tasks/get: people answer in minutes, and a poll is one indexed read. */
export const TASK_POLL_INTERVAL_MS = 2_000;
/** tasks/result re-reads a pending request after 250 ms, doubling up to this (an answer may land on any instance). */
const RESULT_RECHECK_MAX_MS = 5_000;
/** What a host may hand its model at once while the task runs (a 2025-11-25 provisional key). */
const IMMEDIATE_RESPONSE_META_KEY = "io.modelcontextprotocol/model-immediate-response";

/** The tools a client may call as a task, each opened as the tool opens it (`wait` means nothing to a task). */
const TASK_TOOLS: Record<string, (requests: HumanRequests, identity: Identity, args: unknown) => Asked> = {
  [ASK_HUMAN_TOOL]: (requests, identity, args) => {
    const { wait: _wait, ...input } = argumentsOf(ASK_HUMAN_TOOL, z.object(askHumanInputShape), args);
    return requests.ask(identity, input);
  },
  [REQUEST_REVIEW_TOOL]: (requests, identity, args) => {
    const { wait: _wait, ...input } = argumentsOf(REQUEST_REVIEW_TOOL, z.object(requestReviewInputShape), args);
    return requests.review(identity, input);
  },
};

export const TASK_TOOL_NAMES = Object.keys(TASK_TOOLS);

const taskIdParams = z.object({ taskId: z.string() });
/** A 2025-era HTTP body that is a task-augmented tools/call (what `task` holds, the SDK checks). */
const taskCallBody = z.object({ method: z.literal("tools/call"), params: z.object({ task: z.object({}).loose() }) });

/**
 * Adds tasks to a 2025-era per-request server: the capability, the tasks/* methods, and when `httpRequest` is a
 * task-augmented tools/call, a tools/call that answers it with a task handle.
 */
export async function servePeopleTasks(
  server: McpServer,
  deps: { requests: HumanRequests; identity: Identity; httpRequest?: Request },
): Promise<McpServer> {
  const { requests, identity } = deps;
  const protocol = server.server;
  protocol.registerCapabilities({ tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } });

  /** The caller's own request; another user's id is refused exactly as one nobody asked. */
  const mine = async (taskId: string): Promise<HumanRequest> => {
    const request = await requests.get(identity, taskId);
    if (!request) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `No task of yours has the id ${JSON.stringify(taskId)}.`);
    return request;
  };

  protocol.setRequestHandler("tasks/get", { params: taskIdParams }, async ({ taskId }) => taskOf(await mine(taskId)));

  protocol.setRequestHandler("tasks/result", { params: taskIdParams }, async ({ taskId }, ctx) => {
    let request = await mine(taskId);
    // Held open until a person answers or the deadline passes (the response stream sends keep-alives meanwhile).
    for (let pause = 250; request.status === "pending"; pause = Math.min(pause * 2, RESULT_RECHECK_MAX_MS)) {
      await sleep(pause, undefined, { signal: ctx.mcpReq.signal });
      request = await mine(taskId);
    }
    return { ...toolResultOf(request), _meta: { [RELATED_TASK_META_KEY]: { taskId } } };
  });

  // Every request of the caller is a task (its id works with tasks/get), so all are listed: the newest 200.
  protocol.setRequestHandler("tasks/list", { params: z.object({ cursor: z.string().optional() }) }, async ({ cursor }) => {
    if (cursor !== undefined) throw new ProtocolError(ProtocolErrorCode.InvalidParams, "tasks/list has a single page: no cursor applies.");
    return { tasks: (await requests.list(identity)).map(taskOf) };
  });

  protocol.setRequestHandler("tasks/cancel", { params: taskIdParams }, async ({ taskId }) => {
    const request = await mine(taskId);
    if (request.status !== "pending") throw alreadyEnded(taskId, request.status);
    const after = (await requests.cancel(identity, taskId)) ?? request;
    if (after.status === "cancelled") return taskOf(after);
    // Held where it could not be withdrawn from here: say so rather than report a cancel that did not happen.
    if (after.status === "pending")
      throw new ProtocolError(ProtocolErrorCode.InternalError, "The request could not be withdrawn; try again.");
    throw alreadyEnded(taskId, after.status);
  });

  if (await isTaskCall(deps.httpRequest)) {
    protocol.setRequestHandler("tools/call", async ({ params }) => {
      const open = Object.hasOwn(TASK_TOOLS, params.name) ? TASK_TOOLS[params.name] : undefined;
      if (!open) throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `${params.name} does not run as a task: call it without task.`);
      let asked: Asked;
      try {
        asked = open(requests, identity, params.arguments);
      } catch (error) {
        if (error instanceof InvalidAskError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
        throw error;
      }
      // Nobody awaits this call's settlement: the store keeps it, and tasks/get or tasks/result read it there.
      asked.done.catch((error: unknown) => console.warn(`[mcp tasks] request ${asked.request.id} was not stored: ${String(error)}`));
      return taskCreated(taskOf(asked.request));
    });
  }
  return server;
}

/** The task a request is: pending is working; an answer, a refusal and an expiry all complete the call. */
export function taskOf(request: HumanRequest): Task {
  return {
    taskId: request.id,
    status: request.status === "pending" ? "working" : request.status === "cancelled" ? "cancelled" : "completed",
    statusMessage: statusMessageOf(request),
    createdAt: new Date(request.createdAt).toISOString(),
    lastUpdatedAt: new Date(lastUpdateOf(request)).toISOString(),
    // Requests are kept, so a task never goes away (whatever ttl the client asked for).
    ttl: null,
    pollInterval: TASK_POLL_INTERVAL_MS,
  };
}

/** What the tool itself returns for this request: tasks/result must answer exactly that. */
function toolResultOf(request: HumanRequest): CallToolResult {
  const output = outcomeOf(request);
  return { content: [{ type: "text", text: JSON.stringify(output) }], structuredContent: output };
}

/**
 * A CreateTaskResult. It carries `content` too: the SDK refuses a tools/call result with `task` and no content
 * (another result family must not pass as an empty tool success), and the text says what to do next.
 */
function taskCreated(task: Task): CallToolResult {
  const text = `Sent to the team as task ${task.taskId} (${task.statusMessage}): poll tasks/get; tasks/result returns the answer.`;
  return { task, content: [{ type: "text", text }], _meta: { [IMMEDIATE_RESPONSE_META_KEY]: text } };
}

function statusMessageOf(request: HumanRequest): string {
  const who = request.answeredBy ? ` by ${request.answeredBy.name} (${request.answeredBy.role})` : "";
  switch (request.status) {
    case "pending":
      return `waiting for a person until ${new Date(request.deadlineAt).toISOString()}`;
    case "answered":
      return `${request.verdict ?? "answered"}${who}`;
    case "declined":
      return `${request.verdict ?? "declined"}${who}`;
    case "expired":
      return `expired, no answer: ${request.note ?? "nobody answered in time"}`;
    case "cancelled":
      return `cancelled: ${request.note ?? "withdrawn"}`;
  }
}

/** When it last changed. Only answers keep their time; a withdrawn or lost request last changed no earlier than asked. */
function lastUpdateOf(request: HumanRequest): number {
  if (request.answeredAt !== undefined) return request.answeredAt;
  if (request.status === "expired" && request.deadlineAt <= Date.now()) return request.deadlineAt;
  return request.createdAt;
}

function alreadyEnded(taskId: string, status: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Task ${taskId} already ended (${status}): there is nothing to cancel.`);
}

function argumentsOf<T extends z.ZodType>(tool: string, schema: T, args: unknown): z.infer<T> {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid arguments for ${tool}: ${z.prettifyError(parsed.error)}`);
}

/** Whether this 2025-era HTTP request asks for a task (read from a copy: the SDK reads the body itself). */
async function isTaskCall(httpRequest: Request | undefined): Promise<boolean> {
  if (httpRequest?.method !== "POST") return false;
  const body: unknown = await httpRequest
    .clone()
    .json()
    .catch(() => undefined);
  return taskCallBody.safeParse(body).success;
}
