/** Number formats for axes, tooltips and tables. Pure TS. */

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2).replace('e+', 'e');
  if (a < 1) return v.toPrecision(3);
  return v.toFixed(a < 10 ? 3 : a < 100 ? 2 : 1);
}

/** A tick label for a log10 axis value: 10^k shown as 1e-k. */
export function formatLogTick(k: number): string {
  if (Number.isInteger(k)) return k === 0 ? '1' : `1e${k}`;
  return formatValue(10 ** k);
}

/** Integer powers of ten covering [lo, hi] (log10 units), at most ~6 of them. */
export function logTicks(lo: number, hi: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const a = Math.floor(lo);
  const b = Math.ceil(hi);
  const step = Math.max(1, Math.ceil((b - a) / 6));
  const ticks: number[] = [];
  for (let k = b; k >= a; k -= step) ticks.unshift(k);
  return ticks;
}

/** A compact axis tick: at most 3 significant digits, no trailing zeros. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}
