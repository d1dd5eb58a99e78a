/**
 * Latency samples in an HDR histogram (hdr-histogram-js), recorded in microseconds with 3 significant digits,
 * so percentiles are exact to 0.1 % whatever the spread.
 */
import { build, type Histogram } from "hdr-histogram-js";

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000, // 10 minutes in µs
    numberOfSignificantValueDigits: 3,
  });

  /** Records one sample given in milliseconds. Negative values (clock jitter across processes) count as 0. */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(0, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** A percentile in milliseconds. */
  percentileMs(percentile: number): number {
    return this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      max: this.histogram.maxValue / 1000,
      mean: this.histogram.mean / 1000,
    };
  }
}

/** A histogram of the given millisecond samples. */
export function histogramOf(samplesMs: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const sample of samplesMs) histogram.recordMs(sample);
  return histogram;
}
