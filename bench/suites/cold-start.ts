/**
 * Figure 4: cold start. The bundled shell server (mcp-server/stdio.ts, as the app spawns it: this Node, a
 * minimal environment) against the bare SDK server fixture, each spawned, connected and asked for its tools by
 * the bare SDK client, alternately, so both see the same machine. Also reported: the app server's process
 * start to its first tool list, from the timestamps of the server started for figures 1-3.
 */
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import type { AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";
import { connectAndListTools, minimalEnv } from "../lib/mcp-stdio-client.ts";
import { BENCH_DIR, BENCH_TMP, REPO_ROOT } from "../lib/paths.ts";
import { readTimings } from "../fixtures/timings-file.ts";

async function coldStartMs(script: string, workspaceDir: string): Promise<number> {
  const connected = await connectAndListTools({ script, env: minimalEnv(workspaceDir) });
  await connected.close();
  return connected.coldStartMs;
}

export async function mcpColdStart(rounds: number): Promise<Figure[]> {
  const workspaceDir = mkdtempSync(path.join(BENCH_TMP, "cold-start-"));
  const bundled = path.join(REPO_ROOT, "mcp-server", "stdio.ts");
  const bare = path.join(BENCH_DIR, "fixtures", "bare-elicit-server.ts");
  const bundledMs: number[] = [];
  const bareMs: number[] = [];
  try {
    // One unrecorded start each, so both read their modules from a warm file cache.
    await coldStartMs(bundled, workspaceDir);
    await coldStartMs(bare, workspaceDir);
    for (let i = 0; i < rounds; i++) {
      bundledMs.push(await coldStartMs(bundled, workspaceDir));
      bareMs.push(await coldStartMs(bare, workspaceDir));
    }
  } finally {
    rmSync(workspaceDir, { recursive: true, force: true });
  }
  const [ours, theirs] = [bundledMs, bareMs].map((s) => histogramOf(s).summary());
  return [
    figure({
      name: "4 shell MCP server spawn+connect+list, p50",
      value: ours!.p50,
      unit: "ms",
      baseline: theirs!.p50,
      maxRatio: 2,
      note: `${rounds} starts each, alternating; baseline: bare SDK server fixture; max ${ours!.max} vs ${theirs!.max} ms`,
    }),
  ];
}

/** The app process's start to its first tool list (the first chat turn asks for it as soon as the server answers). */
export function appFirstToolList(app: AppServer): Figure[] {
  const listed = readTimings(app.workspaceDir).find((event) => event.event === "tools-listed");
  if (!listed || listed.event !== "tools-listed") throw new Error("the app's MCP server never listed its tools");
  return [
    figure({
      name: "4 app process start → first tool list",
      value: listed.at - app.spawnedAt,
      unit: "ms",
      baseline: app.readyAt - app.spawnedAt,
      note: "reported; baseline: the same process's start → first HTTP answer; the first chat turn is sent then",
    }),
  ];
}
