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

/** Integer powers of ten covering [lo, hi] (log10 units), about 6 of them. */
export function logTicks(lo: number, hi: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const b = Math.ceil(hi);
  const step = Math.max(1, Math.ceil((b - Math.floor(lo)) / 6));
  const ticks = [b];
  while (ticks[0]! > lo) ticks.unshift(ticks[0]! - step);
  return ticks;
}

/** A compact axis tick: at most 3 significant digits, no trailing zeros. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** About `count` round ticks (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.1 : 1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const mag = 10 ** Math.floor(Math.log10((hi - lo) / Math.max(1, count - 1)));
  const n = (step: number) => Math.ceil(hi / step - 1e-9) - Math.floor(lo / step + 1e-9) + 1;
  const step = [1, 2, 5, 10].map((m) => m * mag).reduce((best, st) => (Math.abs(n(st) - count) < Math.abs(n(best) - count) ? st : best));
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks.at(-1)! < hi) ticks.push(Number((ticks.at(-1)! + step).toPrecision(12)));
  return ticks;
}
