import { mayRead, principalOf, type Principal } from "@/lib/auth/principal";
import { MAX_RENAME_BODY_BYTES, renameConversationSchema, type ConversationSummary } from "@/lib/chat/conversation-contract";
import { ApiError, errorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

interface Params {
  params: Promise<{ id: string }>;
}

/** Someone else's conversation is answered exactly like one that does not exist: ids do not leak. */
const notFound = () => new ApiError("not_found", "No such conversation.");

/** A conversation as stored (cards in their latest state) and the turn in flight (replay it to follow along). */
export async function GET(request: Request, { params }: Params) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    const state = serverState();
    await state.started;
    const conversation = await state.conversations.state(id);
    if (!conversation || !mayRead(principal, conversation.conversation?.ownerId ?? "")) throw notFound();
    return Response.json(conversation);
  } catch (error) {
    return errorResponse(error);
  }
}

/** Renames a conversation: its owner only. Body: `{ "title": "..." }`; answers the conversation as listed. */
export async function PATCH(request: Request, { params }: Params) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    await ownedBy(principal, id);
    const { title } = await readJsonBody(request, renameConversationSchema, MAX_RENAME_BODY_BYTES);
    const { conversations } = serverState();
    if (!(await conversations.rename(id, title))) throw notFound();
    return Response.json((await conversations.summary(id)) ?? null);
  } catch (error) {
    return errorResponse(error);
  }
}

/** Deletes a conversation (its owner only), after cancelling its pending questions and stopping its turn. */
export async function DELETE(request: Request, { params }: Params) {
  try {
    const { id } = await params;
    const principal = await principalOf(request);
    await ownedBy(principal, id);
    const state = serverState();
    if (!(await state.conversations.delete(id, principal.name))) throw notFound();
    // The cancelled questions are on disk before the answer says it is done.
    await state.writes.idle();
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Only the owner changes a conversation: others get 404, an admin (who may read it, so knows it exists) 403. */
async function ownedBy(principal: Principal, id: string): Promise<ConversationSummary> {
  const state = serverState();
  await state.started;
  const conversation = await state.conversations.summary(id);
  if (!conversation || !mayRead(principal, conversation.ownerId)) throw notFound();
  if (conversation.ownerId !== principal.id) throw new ApiError("forbidden", "Only the person who started a conversation can change it.");
  return conversation;
}
