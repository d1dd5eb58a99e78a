import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** A conversation opened in another tab: its messages so far and the turn in flight (replay it to follow along). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const conversation = serverState().conversations.get(id);
  const runId = conversation?.runId && serverState().turns.get(conversation.runId) ? conversation.runId : undefined;
  return Response.json({ messages: conversation?.messages ?? [], runId: runId ?? null });
}
