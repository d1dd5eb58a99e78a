import "server-only";
import type { ElicitationContent } from "@/lib/elicitation/contract";
import type { QuestionEvent } from "@/lib/elicitation/registry";
import type { AuditEntryType } from "./contract";

/** One entry to append; seq, the time (unless given) and the hashes are added by the trail. */
export interface AuditInput {
  type: AuditEntryType;
  at?: number;
  questionId?: string | null;
  conversationId?: string | null;
  /** A user id, or `system`. */
  actor: string;
  serverName?: string | null;
  toolName?: string | null;
  outcome?: string | null;
  /** Anything else; top-level fields named by a redaction rule are stored as "[redacted]". */
  details?: Record<string, unknown>;
}

/** A question event, with the answer's form content when the registry passes it on. */
export type AuditedEvent = QuestionEvent & { content?: ElicitationContent };
