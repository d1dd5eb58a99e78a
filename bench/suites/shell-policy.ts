/**
 * Figure 6: how long the shell server's policy takes to classify one command, over the commands of its tests.
 * Baseline: parsing the same command with unbash alone, which every classification starts with.
 */
import { parse } from "unbash";
import { classifyCommand } from "../../mcp-server/policy/classifier.ts";
import { LONG_COMMAND, createPolicyWorkspace, policyCorpus } from "../corpus/shell-commands.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { histogramOf } from "../lib/histogram.ts";

const ROUNDS = 20;

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
  // As the shell server runs it: against a real workspace, resolving symlinks and expanding patterns in it.
  const fixture = createPolicyWorkspace();
  try {
    return timeClassification(fixture.workspace);
  } finally {
    fixture.remove();
  }
}

function timeClassification(workspaceDir: string): Figure[] {
  const classify = (command: string) => classifyCommand(command, { workspaceDir });
  const corpus = policyCorpus(workspaceDir);
  // Warm-up: let V8 compile and optimise both paths before anything is recorded.
  timeEach(classify, corpus, 50);
  timeEach(parse, corpus, 50);
  const classified = histogramOf(timeEach(classify, corpus, ROUNDS)).summary();
  const parseOnly = histogramOf(timeEach(parse, corpus, ROUNDS)).summary();
  const long = histogramOf(timeEach(classify, [LONG_COMMAND], 50)).summary();
  return [
    figure({
      name: "6 shell policy classification, p99",
      value: classified.p99,
      unit: "ms",
      baseline: parseOnly.p99,
      max: 0.5,
      note: `${classified.count} samples (${corpus.length} commands × ${ROUNDS}, against a real workspace); p50 ${classified.p50} ms; baseline: unbash parse only`,
    }),
    figure({
      name: "6 shell policy, 50,000-character command, p50",
      value: long.p50,
      unit: "ms",
      note: "reported: the test suite's pathological input, kept out of the corpus above",
    }),
  ];
}
