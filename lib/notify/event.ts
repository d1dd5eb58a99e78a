import "server-only";
import { z } from "zod";

/** Why a question is announced: it was routed to someone, or nobody answered in time and it went further. */
export const notificationTypes = ["routed", "escalated"] as const;
export type NotificationType = (typeof notificationTypes)[number];

/**
 * One announcement of one question. Everything here may leave the app: the question's own text and command as
 * the server gave them, never what anyone typed into a form, never a token.
 */
export const notificationEventSchema = z.object({
  type: z.enum(notificationTypes),
  questionId: z.string().min(1).max(200),
  conversationId: z.string().min(1).max(200),
  serverName: z.string().max(200),
  toolName: z.string().max(200).optional(),
  message: z.string(),
  risk: z.string().max(200).optional(),
  command: z.string().optional(),
  /** Who asked (a user name, or `local`). */
  requester: z.string().max(200),
  /** Who is asked now: user and group names. */
  recipients: z.array(z.string().max(200)).max(1_000),
  /** Where to answer it: an absolute http(s) URL to /inbox?question=<id>. */
  link: z.url({ protocol: /^https?$/ }),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;

/** Longer texts are cut: a notification points to the question, the inbox shows all of it. */
const MAX_MESSAGE = 1_000;
const MAX_COMMAND = 1_000;
const MAX_SLACK_MESSAGE = 300;

/** The JSON the generic webhook posts (signed: see ./signature.ts). Receivers may rely on this shape. */
export const webhookPayloadSchema = z.object({
  /** `question.routed` or `question.escalated`. */
  type: z.enum(["question.routed", "question.escalated"]),
  /** The same for every attempt of one delivery: deduplicate on it. */
  deliveryId: z.string(),
  question: z.object({
    id: z.string(),
    conversationId: z.string(),
    serverName: z.string(),
    toolName: z.string().optional(),
    message: z.string(),
    risk: z.string().optional(),
    command: z.string().optional(),
  }),
  requester: z.string(),
  recipients: z.array(z.string()),
  link: z.string(),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export function webhookPayload(event: NotificationEvent, deliveryId: string): WebhookPayload {
  return {
    type: `question.${event.type}`,
    deliveryId,
    question: {
      id: event.questionId,
      conversationId: event.conversationId,
      serverName: event.serverName,
      ...(event.toolName !== undefined && { toolName: event.toolName }),
      message: cut(event.message, MAX_MESSAGE),
      ...(event.risk !== undefined && { risk: event.risk }),
      ...(event.command !== undefined && { command: cut(event.command, MAX_COMMAND) }),
    },
    requester: event.requester,
    recipients: event.recipients,
    link: event.link,
  };
}

/**
 * Slack's short text: who asked, from which server, why, and the link. No command (it may hold a token someone
 * typed), and Slack's control characters escaped, so a server's message cannot ping @channel or fake a link.
 */
export function slackText(event: NotificationEvent): string {
  const source = event.toolName === undefined ? event.serverName : `${event.serverName} / ${event.toolName}`;
  const lines = [
    `*${event.type === "escalated" ? "Escalated: a question waits for an answer" : "A question waits for your answer"}*`,
    `${slack(event.requester)} asked through ${slack(source)}${event.risk === undefined ? "" : ` (${slack(event.risk)})`}`,
    `> ${slack(cut(event.message, MAX_SLACK_MESSAGE)).replaceAll("\n", " ")}`,
    ...(event.recipients.length > 0 ? [`For: ${event.recipients.map(slack).join(", ")}`] : []),
    `<${event.link.replaceAll("|", "%7C").replaceAll(">", "%3E")}|Open it in the inbox>`,
  ];
  return lines.join("\n");
}

/** The link to a question in the inbox, on `base` (an origin). */
export function inboxLink(base: string, questionId: string): string {
  return new URL(`/inbox?${new URLSearchParams({ question: questionId })}`, base).href;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function slack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
