/**
 * Chart rows from per-run series, kept small enough to draw live. Series
 * longer than the budget are reduced per bucket to their min and max, in the
 * order they occurred, so oscillations (IPO at a large learning rate) keep
 * their envelope instead of aliasing away. Pure TS.
 */

export interface SeriesInput {
  key: string;
  values: number[];
}

export type Row = { x: number } & Record<string, number | null>;

export function buildRows(series: SeriesInput[], maxPoints = 200): Row[] {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const clean = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  if (n <= maxPoints) {
    return Array.from({ length: n }, (_, i) => {
      const row: Row = { x: i };
      for (const s of series) row[s.key] = clean(s.values[i]);
      return row;
    });
  }
  const width = Math.ceil(n / Math.floor(maxPoints / 2));
  const rows: Row[] = [];
  for (let start = 0; start < n; start += width) {
    const end = Math.min(n, start + width);
    const a: Row = { x: start };
    const b: Row = { x: end - 1 };
    for (const s of series) {
      let lo = -1;
      let hi = -1;
      for (let i = start; i < Math.min(end, s.values.length); i++) {
        const v = s.values[i]!;
        if (!Number.isFinite(v)) continue;
        if (lo < 0 || v < s.values[lo]!) lo = i;
        if (hi < 0 || v > s.values[hi]!) hi = i;
      }
      const [first, second] = lo <= hi ? [lo, hi] : [hi, lo];
      a[s.key] = first < 0 ? null : s.values[first]!;
      b[s.key] = second < 0 ? null : s.values[second]!;
    }
    rows.push(a, b);
  }
  return rows;
}

/** log10 of positive values; exactly 0 becomes -Infinity (the chart clamps it to its floor and marks it); negative or NaN becomes NaN and is not drawn. */
export function toLog10(values: number[]): number[] {
  return values.map((v) => (v > 0 ? Math.log10(v) : v === 0 ? Number.NEGATIVE_INFINITY : NaN));
}
