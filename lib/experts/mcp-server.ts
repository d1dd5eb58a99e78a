/**
 * The app's own MCP server, "people": any MCP agent with an API key asks the team's reviewers through it. Built
 * fresh for each HTTP request (createMcpHandler's model) for the key's user; every tool reads and changes only
 * that user's requests. ask_human waits for the answer (with progress notifications when the caller asked for
 * them) or, with wait: false, returns the id to poll with get_request.
 */
import "server-only";
import { McpServer, type ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Identity } from "@/lib/auth/authenticate";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { InvalidAskError } from "./answer-format";
import {
  ASK_HUMAN_TOOL,
  askHumanInputShape,
  CANCEL_REQUEST_TOOL,
  GET_REQUEST_TOOL,
  LIST_REQUESTS_TOOL,
  listRequestsOutputShape,
  PEOPLE_SERVER_NAME,
  REQUEST_REVIEW_TOOL,
  requestOutcomeShape,
  requestReviewInputShape,
  requestStatusSchema,
  type HumanRequest,
  type RequestOutcome,
} from "./contract";
import type { Asked, HumanRequests } from "./human-requests";

/** How often a waiting ask_human reports that it still waits (when the caller gave a progressToken). */
export const PROGRESS_EVERY_MS = 10_000;

const idInput = { id: z.string().min(1).max(200).describe("The request's id, as ask_human returned it.") };

export function createPeopleServer(requests: HumanRequests, identity: Identity, options: { progressEveryMs?: number } = {}): McpServer {
  const server = new McpServer({ name: PEOPLE_SERVER_NAME, version: "0.1.0" }, { capabilities: { tools: {} } });
  const progressEveryMs = options.progressEveryMs ?? PROGRESS_EVERY_MS;

  const askHuman = server.registerTool(
    ASK_HUMAN_TOOL,
    {
      title: "Ask a person on the team",
      description:
        "Asks the team's experts a question and returns a person's answer, who answered (name and role), when, and " +
        "any comment. The question waits in the reviewers' inbox until someone answers or the deadline passes " +
        "(status expired, no answer: never a guessed one). With wait: false it returns the request id at once; poll " +
        "with get_request.",
      inputSchema: z.object(askHumanInputShape),
      outputSchema: z.object(requestOutcomeShape),
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    async ({ wait, ...input }, ctx) => answerWhenReady(ctx, wait, progressEveryMs, (onChange) => requests.ask(identity, input, onChange)),
  );

  const requestReview = server.registerTool(
    REQUEST_REVIEW_TOOL,
    {
      title: "Have a person review content",
      description:
        "Sends content (text, markdown or JSON) to the team's reviewers before it reaches anyone. A reviewer approves " +
        "it (verdict approved), edits it (verdict edited: `content` is the edited version and `diff` a unified diff " +
        "from yours), or rejects it with reasons (status declined, verdict rejected). Only use the returned content " +
        "once the verdict is approved or edited. Waits like ask_human; with wait: false it returns the id at once.",
      inputSchema: z.object(requestReviewInputShape),
      outputSchema: z.object(requestOutcomeShape),
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    async ({ wait, ...input }, ctx) =>
      answerWhenReady(ctx, wait, progressEveryMs, (onChange) => requests.review(identity, input, onChange)),
  );

  server.registerTool(
    GET_REQUEST_TOOL,
    {
      title: "Get a request",
      description: "How one of your requests stands: pending, or answered (with the answer), declined, cancelled or expired.",
      inputSchema: z.object(idInput),
      outputSchema: z.object(requestOutcomeShape),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id }) => {
      const request = await requests.get(identity, id);
      return request ? outcome(request) : notFound(id);
    },
  );

  server.registerTool(
    LIST_REQUESTS_TOOL,
    {
      title: "List your requests",
      description: "Your requests, newest first (at most 200), optionally only those with one status.",
      inputSchema: z.object({ status: requestStatusSchema.optional() }),
      outputSchema: z.object(listRequestsOutputShape),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ status }) => {
      const listed = (await requests.list(identity, status)).map((request) => ({
        ...outcomeOf(request),
        question: request.question,
        ...(request.specialty !== undefined && { specialty: request.specialty }),
        createdAt: new Date(request.createdAt).toISOString(),
        deadline: new Date(request.deadlineAt).toISOString(),
      }));
      const output = { requests: listed };
      return { content: [{ type: "text" as const, text: JSON.stringify(output) }], structuredContent: output };
    },
  );

  server.registerTool(
    CANCEL_REQUEST_TOOL,
    {
      title: "Cancel a request",
      description: "Withdraws a pending request: it leaves the inbox, and nobody can answer it. One already settled stays as it ended.",
      inputSchema: z.object(idInput),
      outputSchema: z.object(requestOutcomeShape),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }) => {
      const request = await requests.cancel(identity, id);
      return request ? outcome(request) : notFound(id);
    },
  );

  // A task-aware client (MCP 2025-11-25) may call these two as tasks instead: mcp-tasks.ts serves those calls.
  for (const tool of [askHuman, requestReview]) tool.execution = { taskSupport: "optional" };

  return server;
}

/**
 * Opens the request and returns at once (wait: false) or with its settlement. A client that goes away leaves it
 * waiting: it can be fetched later with get_request.
 */
async function answerWhenReady(
  ctx: ServerContext,
  wait: boolean | undefined,
  progressEveryMs: number,
  open: (onChange: (data: ElicitationData) => void) => Asked,
) {
  const progress = progressReporter(ctx);
  let asked: Asked;
  try {
    asked = open((data) => progress?.(describeChange(data)));
  } catch (error) {
    if (error instanceof InvalidAskError) return refusal(error.message);
    throw error;
  }
  if (wait === false) return outcome(asked.request);
  const ticker = progress && setInterval(() => progress("waiting for a person to answer"), progressEveryMs);
  try {
    const stopped = new Promise<HumanRequest>((resolve) => ctx.mcpReq.signal.addEventListener("abort", () => resolve(asked.request)));
    return outcome(await Promise.race([asked.done, stopped]));
  } finally {
    clearInterval(ticker);
  }
}

export function outcomeOf(request: HumanRequest): RequestOutcome {
  return {
    id: request.id,
    status: request.status,
    ...(request.answer !== undefined && !request.submission && { answer: request.answer as RequestOutcome["answer"] }),
    ...(request.answeredBy && { answeredBy: request.answeredBy }),
    ...(request.answeredAt !== undefined && { answeredAt: new Date(request.answeredAt).toISOString() }),
    ...(request.comment !== undefined && { comment: request.comment }),
    ...(request.note !== undefined && { note: request.note }),
    ...(request.reasons !== undefined && { reasons: request.reasons }),
    ...reviewOutcome(request),
  };
}

/** A review's verdict, and for an approval the content to use (with a diff from the submission when edited). */
function reviewOutcome(request: HumanRequest): Pick<RequestOutcome, "verdict" | "content" | "diff"> {
  const { submission, verdict, answer } = request;
  if (!submission || !verdict) return {};
  if (verdict === "rejected" || typeof answer !== "string") return { verdict };
  return { verdict, content: answer, ...(verdict === "edited" && request.diff !== undefined && { diff: request.diff }) };
}

function outcome(request: HumanRequest) {
  const output = outcomeOf(request);
  return { content: [{ type: "text" as const, text: JSON.stringify(output) }], structuredContent: output };
}

/** Another user's id answers exactly as an id nobody asked. */
function notFound(id: string) {
  return refusal(`No request of yours has the id ${JSON.stringify(id)}.`);
}

function refusal(text: string) {
  return { content: [{ type: "text" as const, text }], isError: true };
}

/** Sends `notifications/progress` when the caller gave a progressToken; `progress` counts up, as the spec wants. */
function progressReporter(ctx: ServerContext): ((message: string) => void) | undefined {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let progress = 0;
  return (message) => {
    progress += 1;
    void ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken, progress, message } }).catch(() => {});
  };
}

function describeChange(data: ElicitationData): string {
  if (data.status !== "pending") return `the question is ${data.status}`;
  const review = data.review;
  if (!review) return "waiting for a person to answer";
  const approvals = review.approvalsNeeded > 1 ? ` (${review.approvals.length} of ${review.approvalsNeeded} approvals)` : "";
  return `waiting for ${review.routedTo.join(", ")}${review.escalated ? ", escalated" : ""}${approvals}`;
}
