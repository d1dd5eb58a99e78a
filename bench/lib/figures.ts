/** The shape of bench/results.json and the table printed at the end of a run. */

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for the thing we compare with, measured in the same run (null when there is none). */
  baseline: number | null;
  /** value / baseline, or null without a baseline. */
  ratio: number | null;
  /** Human-readable target, e.g. "<= 5 ms"; null for figures that are only reported. */
  target: string | null;
  /** Whether the target holds; reported-only figures count as met. */
  met: boolean;
  /** What the value and its baseline include, in a few words. */
  note?: string;
}

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  baseline?: number | null;
  /** Absolute bound on the value, checked with `<=` (or `>=` when `atLeast`). */
  max?: number;
  min?: number;
  /** Bound on value / baseline. */
  maxRatio?: number;
  minRatio?: number;
  note?: string;
}

/** Builds a figure and decides `met` from every bound given. */
export function figure(input: FigureInput): Figure {
  const baseline = input.baseline ?? null;
  const ratio = baseline ? round(input.value / baseline, 3) : null;
  const targets: string[] = [];
  let met = true;
  if (input.max !== undefined) {
    targets.push(`<= ${input.max} ${input.unit}`);
    met &&= input.value <= input.max;
  }
  if (input.min !== undefined) {
    targets.push(`>= ${input.min} ${input.unit}`);
    met &&= input.value >= input.min;
  }
  if (input.maxRatio !== undefined) {
    targets.push(`ratio <= ${input.maxRatio}`);
    met &&= ratio !== null && ratio <= input.maxRatio;
  }
  if (input.minRatio !== undefined) {
    targets.push(`ratio >= ${input.minRatio}`);
    met &&= ratio !== null && ratio >= input.minRatio;
  }
  return {
    name: input.name,
    value: round(input.value, 3),
    unit: input.unit,
    baseline: baseline === null ? null : round(baseline, 3),
    ratio,
    target: targets.length ? targets.join(" and ") : null,
    met,
    ...(input.note && { note: input.note }),
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A plain-text table, one figure a row. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ["figure", "value", "baseline", "ratio", "target", "met"];
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.baseline === null ? "-" : `${f.baseline} ${f.unit}`,
    f.ratio === null ? "-" : String(f.ratio),
    f.target ?? "(reported)",
    f.target === null ? "-" : f.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
