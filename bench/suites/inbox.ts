/**
 * How fast a question reaches a reviewer: a reader holds GET /api/inbox/stream open (as the /inbox page does),
 * the app is made to ask (a chat turn that runs `rm -rf`), and each sample is the time from the server opening the
 * question to the reader parsing its server-sent event. Each question is then declined, so none piles up.
 */
import { measureInboxLatency } from "../../lib/review/inbox-latency.ts";
import type { AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { chatBody, openUiStream, postJson, type UiPart } from "../lib/http-client.ts";

const isPendingCard = (part: UiPart) =>
  part.type === "data-elicitation" && (part.data as { status?: string } | undefined)?.status === "pending";

export async function inboxLatency(app: AppServer, options: { samples: number }): Promise<Figure[]> {
  const latencies = await measureInboxLatency({
    baseURL: app.baseUrl,
    samples: options.samples,
    ask: async (sample) => {
      const stream = openUiStream(app.baseUrl, chatBody(`inbox-${sample}`, `m-inbox-${sample}`, `run \`rm -rf inbox-${sample}\``));
      const card = await stream.waitFor(isPendingCard);
      await postJson(app.baseUrl, `/api/elicitations/${String((card.part.data as { id: string }).id)}`, { action: "decline" });
      await stream.finished;
    },
  });
  const summary = histogramOf(latencies).summary();
  return [
    figure({
      name: "7f. question reaches an open /inbox p50",
      value: summary.p50,
      unit: "ms",
      max: 50,
      note: `server opens the question → its server-sent event is parsed by a reader of /api/inbox/stream, ${summary.count} samples`,
    }),
  ];
}
