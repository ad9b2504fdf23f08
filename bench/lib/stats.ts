/** Percentiles of a list of samples (nearest-rank), or null for an empty list. */
export interface Summary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile `p` (0..100) of samples sorted ascending. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Count, p50, p99 and max of samples (the input is not modified). */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : null,
  };
}

/** Latency histogram: `[value, count]` pairs, values rounded to {@link HISTOGRAM_STEP_MS}. */
export type Histogram = [number, number][];

/** Resolution of latency histograms in ms. */
export const HISTOGRAM_STEP_MS = 0.05;

/** Count, p50, p99 and max of the samples of several histograms together (nearest-rank). */
export function summarizeHistograms(histograms: Histogram[]): Summary {
  const counts = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [value, count] of histogram) counts.set(value, (counts.get(value) ?? 0) + count);
  }
  const buckets = [...counts].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  const at = (p: number): number | null => {
    if (total === 0) return null;
    const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
    let seen = 0;
    for (const [value, count] of buckets) {
      seen += count;
      if (seen >= rank) return value;
    }
    return buckets[buckets.length - 1][0];
  };
  return { count: total, p50: at(50), p99: at(99), max: at(100) };
}

/** A growable buffer of float samples, cheap to append to on a hot path. */
export class Samples {
  private data = new Float64Array(1 << 16);
  private length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get count(): number {
    return this.length;
  }

  summary(): Summary {
    return summarize(this.data.subarray(0, this.length));
  }

  /** The samples as a histogram (see {@link Histogram}); small enough to pass between processes. */
  histogram(): Histogram {
    const counts = new Map<number, number>();
    for (let i = 0; i < this.length; i++) {
      const value = Math.round(this.data[i] / HISTOGRAM_STEP_MS) * HISTOGRAM_STEP_MS;
      const key = Math.round(value * 100) / 100;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts];
  }
}

/** Rounds for display/JSON; null stays null. */
export function round(value: number | null, digits = 2): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
