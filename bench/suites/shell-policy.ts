/**
 * Figure 6: how long the shell server's policy takes to classify one command, over the commands of its tests.
 * Baseline: parsing the same command with unbash alone, which every classification starts with.
 */
import { parse } from "unbash";
import { classifyCommand } from "../../mcp-server/policy.ts";
import { LONG_COMMAND, POLICY_CORPUS, WORKSPACE } from "../corpus/shell-commands.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";

const ROUNDS = 20;
/** As the shell server runs it: with its workspace, so paths outside it are checked too. */
const classify = (command: string) => classifyCommand(command, { workspaceDir: WORKSPACE });

function timeEach(run: (command: string) => unknown, commands: readonly string[], rounds: number): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const command of commands) {
      const started = performance.now();
      run(command);
      samples.push(performance.now() - started);
    }
  }
  return samples;
}

export function shellPolicy(): Figure[] {
  // Warm-up: let V8 compile and optimise both paths before anything is recorded.
  timeEach(classify, POLICY_CORPUS, 50);
  timeEach(parse, POLICY_CORPUS, 50);
  const classified = histogramOf(timeEach(classify, POLICY_CORPUS, ROUNDS)).summary();
  const parseOnly = histogramOf(timeEach(parse, POLICY_CORPUS, ROUNDS)).summary();
  const long = histogramOf(timeEach(classify, [LONG_COMMAND], 50)).summary();
  return [
    figure({
      name: "6 shell policy classification, p99",
      value: classified.p99,
      unit: "ms",
      baseline: parseOnly.p99,
      max: 0.5,
      note: `${classified.count} samples (${POLICY_CORPUS.length} commands × ${ROUNDS}); p50 ${classified.p50} ms; baseline: unbash parse only`,
    }),
    figure({
      name: "6 shell policy, 50,000-character command, p50",
      value: long.p50,
      unit: "ms",
      note: "reported: the test suite's pathological input, kept out of the corpus above",
    }),
  ];
}
