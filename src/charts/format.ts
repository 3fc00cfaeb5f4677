/**
 * The one number format of the lab: axes, tooltips, tables, the squeeze
 * view, verdicts and chart PNGs all write numbers through here (CSV and JSON
 * exports keep full float64 precision). Four significant digits, trailing
 * zeros dropped; below 10^-3 and from 10^5 on, m×10^k with a superscript
 * exponent, and powers of ten on log axes as 10^k. Pure TS.
 */

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 10^k for a whole k, written 10⁻²¹ (1 and 10 for k = 0 and 1). */
export function pow10(k: number): string {
  if (k === 0) return '1';
  if (k === 1) return '10';
  return `10${[...String(k)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

export const SIGNIFICANT_DIGITS = 4;

/** A number as the lab shows it: 0.6225, 9.51, 4.487×10⁻²², 10⁻²¹, –for missing. */
export function formatValue(v: number | null | undefined, digits = SIGNIFICANT_DIGITS): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(digits)));
  let k = Math.floor(Math.log10(a));
  let m = Number((v / 10 ** k).toPrecision(digits));
  if (Math.abs(m) >= 10) {
    m /= 10;
    k += 1;
  }
  if (Math.abs(m) < 1) {
    m *= 10;
    k -= 1;
  }
  m = Number(m.toPrecision(digits));
  if (m === 1) return pow10(k);
  if (m === -1) return `-${pow10(k)}`;
  return `${m}×${pow10(k)}`;
}

/** A tick label for a log10 axis value: a power of ten as 10^k, an in-between tick as m×10^k. */
export function formatLogTick(k: number): string {
  if (Math.abs(k - Math.round(k)) < 1e-9) return pow10(Math.round(k));
  const e = Math.floor(k);
  const m = Number((10 ** (k - e)).toPrecision(2));
  return e === 0 ? String(m) : `${m}×${pow10(e)}`;
}

/** Decade steps a log axis may take: every decade, or every 2, 3, 5, 10, ... when the range is huge. */
const DECADE_STEPS = [1, 2, 3, 5, 10, 20, 50, 100];

/**
 * Ticks of a log10 axis covering [lo, hi] (log10 units): whole powers of ten, one decade
 * apart when at most `maxTicks` fit, else every 2, 3, 5 ... decades, on multiples of the
 * step. Spanning at most one decade, 2x and 5x ticks are added so the axis is readable.
 */
export function logTicks(lo: number, hi: number, maxTicks = 9): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const step = DECADE_STEPS.find((s) => Math.ceil(hi / s - 1e-9) - Math.floor(lo / s + 1e-9) + 1 <= maxTicks) ?? DECADE_STEPS.at(-1)!;
  let a = Math.floor(lo / step + 1e-9) * step;
  let b = Math.ceil(hi / step - 1e-9) * step;
  if (a === b) [a, b] = [a - step, b];
  const ticks: number[] = [];
  for (let t = a; t <= b; t += step) ticks.push(t);
  if (step === 1 && b - a <= 1) {
    const mids = [Math.log10(2), Math.log10(5)].map((x) => a + x);
    ticks.splice(1, 0, ...mids);
  }
  return ticks;
}

/** A compact linear-axis tick: three significant digits at most. */
export function formatTick(v: number): string {
  return formatValue(v, 3);
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
