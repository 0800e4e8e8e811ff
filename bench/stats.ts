/** Small helpers every benchmark shares: timing, percentiles, one printed line a figure. */

/** The value below which `p` (0–100) percent of the samples fall (nearest rank). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) {
    return Number.NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Prints one figure as `name: value unit (ratio x baseline)`, the form every benchmark
 * uses so results can be compared across runs and pasted into notes.
 */
export function report(
  name: string,
  value: number,
  unit: string,
  baseline?: { name: string; value: number },
) {
  const shown = value >= 100 ? value.toFixed(0) : value.toFixed(2);
  const ratio = baseline ? ` (${(value / baseline.value).toFixed(2)}x ${baseline.name})` : '';
  console.log(`${name}: ${shown} ${unit}${ratio}`);
}
