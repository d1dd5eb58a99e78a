/**
 * "Always allow this tool in this conversation": the shapes GET and DELETE /api/tool-approvals use, defined once
 * for the route, the card and the tests.
 */
import { z } from "zod";

const name = z.string().min(1).max(200);

/** One remembered approval: calls of this server's tool run without a card in this conversation. */
export const rememberedToolSchema = z.object({ serverName: name, toolName: name, createdAt: z.number() });
export type RememberedTool = z.infer<typeof rememberedToolSchema>;

/** GET /api/tool-approvals?threadId=...: what this conversation allows without asking. */
export const toolApprovalListQuerySchema = z.strictObject({ threadId: name });
export const toolApprovalListSchema = z.object({ approvals: z.array(rememberedToolSchema) });

/** DELETE /api/tool-approvals?threadId=...&serverName=...&toolName=...: ask again from the next call on. */
export const toolApprovalRevokeQuerySchema = z.strictObject({ threadId: name, serverName: name, toolName: name });
export const toolApprovalRevokeResultSchema = z.object({ revoked: z.boolean() });
