import "server-only";
import { hostname } from "node:os";
import path from "node:path";
import type { Agent } from "@mastra/core/agent";
import { createChatAgent } from "@/lib/agent/agent";
import { withRunStorage } from "@/lib/agent/run-storage";
import { AuditTrail } from "@/lib/audit/audit-trail";
import { fieldNamesOf } from "@/lib/audit/redact";
import { createAuth, migrateAuth, type Auth } from "@/lib/auth/auth";
import { Users } from "@/lib/auth/users";
import { Conversations } from "@/lib/chat/conversations";
import { ChatTurns } from "@/lib/chat/turns";
import { Resumer } from "@/lib/chat/resumer";
import { driveTurn } from "@/lib/chat/drive-turn";
import { appConfig, type AppConfig } from "@/lib/config";
import { SqlConversationStore, type ConversationStore } from "@/lib/db/conversation-store";
import { keptSecret } from "@/lib/db/kept-secret";
import { sharedDatabase, sqliteFile, type Database } from "@/lib/db/open-database";
import { MemoryResumableCalls, SqlResumableCalls, type ResumableCalls } from "@/lib/db/resumable-calls";
import { MemoryConversationStore, MemoryQuestionStore } from "@/lib/db/memory-stores";
import { SqlQuestionStore, type QuestionStore } from "@/lib/db/question-store";
import { WriteQueue } from "@/lib/db/write-queue";
import { ElicitationRegistry } from "@/lib/elicitation/registry";
import { mastraConnector } from "@/lib/mcp/client";
import type { ShellApprovalState } from "@/lib/mcp/server-definitions";
import { loadMcpConfig } from "@/lib/mcp/config";
import { McpConnections } from "@/lib/mcp/connections";
import { ToolApprovalMemory } from "@/lib/mcp/tool-approval-memory";
import { modelFor } from "@/lib/models/select-model";
import { ReviewDesk } from "@/lib/review/review-desk";
import { noRouting, RoutingSource } from "@/lib/review/routing-source";
import { createNotifier, type Notifier } from "@/lib/notify/notifier";
import { createCoordination, type Coordination } from "@/lib/cluster/coordination";
import { INSTANCE_GONE_NOTE } from "@/lib/cluster/liveness";
import { checkAccept } from "@/lib/elicitation/check-accept";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { notifyReviewEvents } from "@/lib/notify/review-notifications";
import { HumanRequests, lookupOrStored } from "@/lib/experts/human-requests";
import { MemoryHumanRequestStore, SqlHumanRequestStore } from "@/lib/experts/request-store";

/** What a question that was waiting when the server stopped says after it starts again. */
export const RESTART_NOTE = "the server restarted; nothing ran";

/** Every server-side service, built once here and handed to whoever needs it; nothing else creates them. */
export interface ServerState {
  readonly config: AppConfig;
  /** The embedded database every store below writes to. */
  readonly database: Database;
  /** Sign-in, sessions and API keys (better-auth over the same database); see lib/auth/. */
  readonly auth: Auth;
  /** Writes that must be on disk before an answer is acknowledged, committed in groups. */
  readonly writes: WriteQueue;
  readonly registry: ElicitationRegistry;
  readonly questions: QuestionStore;
  /** Who may answer which question (ROUTING_FILE), four eyes, deadlines; the inbox reads it (lib/review/). */
  readonly review: ReviewDesk;
  /** The tamper-evident audit trail: every question's lifecycle and what followed (lib/audit/). */
  readonly audit: AuditTrail;
  readonly conversationStore: ConversationStore;
  readonly turns: ChatTurns;
  readonly conversations: Conversations;
  /** Tool calls suspended on a question (MCP 2026-07-28), and their claims. */
  readonly calls: ResumableCalls;
  /** Continues a suspended turn once its question's answer wins the claim; shows waiting ones after a restart. */
  readonly resumer: Resumer;
  /** "Always allow this tool in this conversation". */
  readonly approvals: ToolApprovalMemory;
  /** Every MCP connection: the bundled shell server's, and each conversation's to the servers from mcp.json. */
  readonly mcp: McpConnections;
  /** The agent; tools are passed per turn (they come from the MCP connections). */
  readonly agent: Agent;
  /** Announces routed and escalated questions on the webhook and Slack channels configured (lib/notify). */
  readonly notifier: Notifier;
  /** The other instances, through Redis (REDIS_URL); embedded when there are none. */
  readonly coordination: Coordination;
  /** What agents ask the team through /api/mcp (ask_human), and the answers they poll for (lib/experts/). */
  readonly humanRequests: HumanRequests;
  /** Resolves once the database is migrated and questions left from a previous run are marked expired. */
  readonly started: Promise<void>;
}

const KEY = Symbol.for("elicit-chat.server-state");
type WithState = typeof globalThis & { [KEY]?: ServerState };

/**
 * The composition root: reads the settings once (a bad one throws a ConfigError; a database it cannot write, a
 * StorageError) and wires the services together.
 */
export function createServerState(env: Record<string, string | undefined> = process.env): ServerState {
  const config = appConfig(env);
  const database = sharedDatabase(config.databaseUrl, { poolMax: config.databasePoolMax });
  const writes = new WriteQueue(database);
  const auth = createAuth(database, env);
  const inMemory = config.storage === "memory";
  // With several instances each question is marked with the one holding it; alone, nothing needs marking.
  const owner = config.cluster.redisUrl ? config.cluster.instanceId : undefined;
  const questions = inMemory ? new MemoryQuestionStore() : new SqlQuestionStore(database, writes, owner);
  const conversationStore = inMemory ? new MemoryConversationStore() : new SqlConversationStore(database);
  const calls = inMemory ? new MemoryResumableCalls() : new SqlResumableCalls(database, writes);
  const registry = new ElicitationRegistry(config.pendingLimits);
  const turns = new ChatTurns(config.reconnectGraceMs);
  const coordination = createCoordination(config.cluster, { registry, turns, questions });
  // Every change of every question is written as it happens; an answer's route waits for it (writes.idle()).
  registry.observe((event) => void questions.record(event.data, event.requesterId).catch(() => {}));
  // A bad routing file at start-up throws here, naming the field; later bad edits keep the last good rules.
  const review = new ReviewDesk({
    registry,
    rules: config.routingFile ? new RoutingSource(config.routingFile) : noRouting,
    stored: (id) => questions.get(id),
    // The inbox names who asked ("alice"), not their id; users exist once started (auth migrated).
    nameOf: async (id) => (await started.then(() => new Users(auth).byId(id)))?.name,
    // A durable question's answer must win its claim in storage first (the resumer is built below).
    claim: (pending, settlement, by) => resumer.claim(pending, settlement, by),
    remote: coordination.remote,
    holds: () => coordination.holds(),
  });
  // Appended through the same queue, so an entry commits with the change it describes.
  const audit = new AuditTrail(writes, { redactFields: fieldNamesOf(env.AUDIT_REDACT_FIELDS) });
  if (!inMemory) {
    registry.observe((event) => audit.observe(event));
    // Who a question went to, and who it escalated to at its deadline.
    review.onEvent(
      (event) =>
        void audit
          .record({
            type: event.type,
            at: event.at,
            questionId: event.questionId,
            conversationId: event.threadId,
            actor: "system",
            outcome: event.to.join(", "),
            details: { to: event.to, users: event.users },
          })
          .catch(() => {}),
    );
  }
  const notifier = createNotifier(
    config.notifications,
    { database, writes },
    {
      // The trail says who was told, where, after how many attempts; never what the notification said.
      onDelivered: (delivery) =>
        void audit
          .record({
            type: "notified",
            questionId: delivery.questionId,
            conversationId: delivery.conversationId,
            actor: "system",
            outcome: delivery.channel,
            details: { event: delivery.event, recipients: delivery.recipients, attempts: delivery.attempts },
          })
          .catch(() => {}),
    },
  );
  // Routed and escalated questions are announced on the configured channels, beside the question, never in its way.
  notifyReviewEvents({
    review,
    question: (id) => registry.get(id),
    nameOf: async (id) => (await started.then(() => new Users(auth).byId(id)))?.name,
    notifier,
  });
  const humanRequests = new HumanRequests({
    registry,
    withdrawElsewhere: (id, requesterId) => coordination.withdraw(id, requesterId),
    // Used while starting (restore), after auth's migration: awaiting `started` here would wait for itself.
    nameOf: async (id) => (await new Users(auth).byId(id))?.name,
    store: inMemory ? new MemoryHumanRequestStore() : new SqlHumanRequestStore(database, writes),
    lookup: lookupOrStored(
      (id) => review.lookup(id),
      (id) => questions.get(id),
    ),
    // Who answered, with their role ("reviewer"); users exist once started (auth migrated).
    rolesOf: async (names) => {
      const users = await started.then(() => new Users(auth).list());
      return names.map((name) => users.find((user) => user.name === name)?.role);
    },
  });
  const approvals = new ToolApprovalMemory();
  const log = (message: string) => console.warn(`[mcp] ${message}`);
  const mcp = new McpConnections({
    connector: mastraConnector({
      turns,
      registry,
      approvals,
      config,
      log,
      calls,
      approvalState: shellApprovalState(config, inMemory, database),
    }),
    isBusy: (conversationId) => turns.hasTurnIn(conversationId),
    loadConfig: () => loadMcpConfig({ MCP_CONFIG: config.mcpConfigFile }),
    log,
  });
  const agent = withRunStorage(createChatAgent(modelFor(config.model)), {
    databaseUrl: config.databaseUrl,
    inMemory,
    poolMax: config.databasePoolMax,
  });
  const conversations = new Conversations({
    store: conversationStore,
    questions,
    registry,
    runningElsewhere: (id) => coordination.runningIn(id),
  });
  const resumer: Resumer = new Resumer({
    calls,
    registry,
    questions,
    conversationStore,
    conversations,
    turns,
    drive: (run, start) => driveTurn({ mcp, audit, humanRequests }, run, start),
    resumeStream: (resumeData, options) => agent.resumeStream(resumeData, options),
    claimant: `${hostname()}:${process.pid}`,
    leaseMs: config.commandMaxTimeoutMs + 60_000,
    nameOf: async (id) => (await new Users(auth).byId(id))?.name,
    owner,
    retriesStaleClaims: database.dialect !== "postgres",
  });
  const startedAt = Date.now();
  const started = database.ready.then(async () => {
    await migrateAuth(auth);
    // Nothing from the previous process waits any more: its tools got no yes, and the cards say so.
    const expired = await questions.expirePending(RESTART_NOTE, startedAt);
    await audit.recordRestartExpiry(expired, RESTART_NOTE);
    // Questions whose tool call is suspended in storage wait on: their cards come back, answerable.
    await resumer.restore();
    // So do agents' requests (/api/mcp), until their deadline.
    await humanRequests.restore(await questions.pending({ mine: true }));
    await coordination.start({
      answer: async (id, answer, principal) => {
        const check = (pending: ElicitationData) => checkAccept(pending, answer);
        const result = await review.answer(id, answer, principal, check, { relayed: true });
        // As the answer route does: replied to only once on disk. (The page follows a resumed turn through Redis
        // from wherever it is, so the reply does not wait for the turn to open.)
        await writes.idle();
        return result;
      },
      stop: (runId, ownerId) => {
        const run = turns.get(runId);
        if (run?.ownerId === ownerId) run.stop("stopped by the person");
      },
      withdraw: (id, requesterId) => void humanRequests.withdraw(id, requesterId),
      adopted: async (_owner, adopted) => {
        await audit.recordRestartExpiry(adopted.expired, INSTANCE_GONE_NOTE);
        await resumer.adopt(adopted.durable);
        await humanRequests.restore(adopted.kept);
      },
    });
  });
  started.catch(() => {}); // Heard by whoever awaits it (instrumentation.ts at start-up).
  return {
    config,
    database,
    auth,
    writes,
    registry,
    questions,
    review,
    audit,
    conversationStore,
    turns,
    conversations,
    calls,
    resumer,
    approvals,
    mcp,
    agent,
    notifier,
    coordination,
    humanRequests,
    started,
  };
}

/**
 * The bundled server's signing key and used-state folder: the key from SHELL_REQUEST_STATE_KEY (required on
 * Postgres, where every instance must accept what another signed), else kept beside the SQLite file; the folder
 * SHELL_STATE_DIR, else beside the database file, or ./data/shell-state on Postgres (none with STORAGE=memory).
 */
function shellApprovalState(config: AppConfig, inMemory: boolean, database: Database): ShellApprovalState | undefined {
  if (inMemory) return undefined;
  if (database.dialect === "postgres") {
    if (!config.shellRequestStateKey) return undefined;
    return { key: config.shellRequestStateKey, dir: config.shellStateDir ?? path.resolve(/*turbopackIgnore: true*/ "data", "shell-state") };
  }
  const file = sqliteFile(config.databaseUrl);
  return {
    key: config.shellRequestStateKey ?? keptSecret(`${file}.shell-key`),
    dir: config.shellStateDir ?? path.join(path.dirname(file), "shell-state"),
  };
}

/**
 * Process-wide state. Kept on globalThis because Next.js bundles each route separately (a module-level Map would
 * exist once per route) and `next dev` re-evaluates modules on every hot reload.
 */
export function serverState(): ServerState {
  const holder = globalThis as WithState;
  holder[KEY] ??= createServerState();
  return holder[KEY];
}
