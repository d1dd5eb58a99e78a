/**
 * The app's own tables, as the typed query layer (Kysely) sees them. The same types serve SQLite (the embedded
 * default) and Postgres: timestamps are epoch milliseconds, JSON is stored as text. The migrations in
 * ./migrations create exactly these; the sign-in tables belong to the authentication library, which migrates
 * its own.
 */
import "server-only";
import type { Generated, Insertable, Selectable } from "kysely";

export interface ConversationsTable {
  id: string;
  /** The user who started it (`local` in single-user mode). */
  owner_id: string;
  title: string;
  created_at: number;
  updated_at: number;
}

export interface MessagesTable {
  conversation_id: string;
  id: string;
  /** Order within the conversation. */
  position: number;
  role: string;
  /** The AI SDK UI message as JSON: its parts, cards with their latest state included. */
  message: string;
  updated_at: number;
}

/** Every question asked (MCP elicitations and tool-call cards): what the inbox and a restart read. */
export interface QuestionsTable {
  id: string;
  conversation_id: string;
  requester_id: string;
  server_name: string;
  kind: string;
  status: string;
  /** The card's data (ElicitationData) as JSON, latest version. */
  data: string;
  created_at: number;
  expires_at: number;
  settled_at: number | null;
  /** The instance holding it (INSTANCE_ID); null for rows written before there could be several. */
  owner: string | null;
}

/** Append-only; each entry's hash covers its content and the previous entry's hash. */
export interface AuditEntriesTable {
  seq: Generated<number>;
  at: number;
  /** asked, routed, escalated, notified, answered, expired, cancelled, aborted, rate-limited, ran, not-run... */
  type: string;
  question_id: string | null;
  conversation_id: string | null;
  /** Who did it: a user id, or `system`. */
  actor: string;
  server_name: string | null;
  tool_name: string | null;
  outcome: string | null;
  /** Everything else, redacted where the schema or a rule says so, as JSON. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** A tool call suspended on a question (see migrations/003-resumable-calls.ts and resumable-calls.ts). */
export interface ResumableCallsTable {
  question_id: string;
  conversation_id: string;
  /** The agent run that suspended, and its tool call: what Mastra resumes. */
  run_id: string;
  tool_call_id: string;
  server_name: string;
  tool_name: string;
  /** The arguments the call was made with (JSON): the retry sends exactly these, whatever the model said. */
  arguments: string;
  /** The key of the server's input request the answer goes back under. */
  input_key: string;
  /** The server's opaque, signed state, sent back verbatim with the answer. */
  request_state: string | null;
  /** waiting -> claimed (an answer won; its turn resumes) -> done. */
  phase: string;
  /** The winning answer as JSON ({ action, content, by, at }); its content is cleared once done. */
  answer: string | null;
  claimed_by: string | null;
  claimed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface NotificationDeliveriesTable {
  id: string;
  question_id: string;
  channel: string;
  event: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** What agents asked the team through /api/mcp, with the answer once given (lib/experts/request-store.ts). */
export interface HumanRequestsTable {
  /** The question's id in the registry and the questions table. */
  id: string;
  /** The user whose API key asked: the only one who may read it through the MCP tools. */
  requester_id: string;
  question: string;
  context: string | null;
  /** The answer format (AnswerFormat) as JSON. */
  answer_format: string;
  specialty: string | null;
  urgency: string;
  /** pending, answered, declined, cancelled, expired. */
  status: string;
  created_at: number;
  deadline_at: number;
  /** The answer as JSON: a string, or a form's content. */
  answer: string | null;
  /** Who answered as JSON ({ name, role }). */
  answered_by: string | null;
  answered_at: number | null;
  comment: string | null;
  note: string | null;
  /** request_review only: the Submission as JSON (what was sent for review, its format and criteria). */
  submission: string | null;
  /** request_review only, once settled by a person: approved, edited or rejected. */
  verdict: string | null;
  /** Why a person declined (rejected a review, or declined a question), when they said. */
  reasons: string | null;
  /** request_review edited: the unified diff from the submission to the approved content. */
  diff: string | null;
}

export interface Tables {
  conversations: ConversationsTable;
  messages: MessagesTable;
  questions: QuestionsTable;
  audit_entries: AuditEntriesTable;
  notification_deliveries: NotificationDeliveriesTable;
  resumable_calls: ResumableCallsTable;
  human_requests: HumanRequestsTable;
}

export type ConversationRow = Selectable<ConversationsTable>;
export type QuestionRow = Selectable<QuestionsTable>;
export type NewQuestionRow = Insertable<QuestionsTable>;
export type ResumableCallRow = Selectable<ResumableCallsTable>;
export type AuditEntryRow = Selectable<AuditEntriesTable>;
export type HumanRequestRow = Selectable<HumanRequestsTable>;
