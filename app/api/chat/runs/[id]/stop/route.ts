import { serverState } from "@/lib/server-state";

export const dynamic = "force-dynamic";

/** The Stop button: ends the turn now, cancelling what it has pending (nothing guarded runs). */
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  serverState().turns.get(id)?.stop("stopped by the person");
  return new Response(null, { status: 204 });
}
