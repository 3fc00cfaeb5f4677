/**
 * SVG path data for one series: straight segments between consecutive
 * points, broken where a value is missing (null: a diverged run, a zero on a
 * log axis), as Recharts' own linear Line with connectNulls={false}. Pure TS.
 */

export function linePath(xs: readonly number[], ys: readonly (number | null | undefined)[], x: (v: number) => number | undefined, y: (v: number) => number | undefined): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    const px = v === null || v === undefined ? undefined : x(xs[i]!);
    const py = v === null || v === undefined ? undefined : y(v);
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    // Two decimals: sub-pixel enough, and a shorter string for the DOM to parse.
    d += `${pen ? 'L' : 'M'}${Math.round(px * 100) / 100},${Math.round(py * 100) / 100}`;
    pen = true;
  }
  return d;
}
