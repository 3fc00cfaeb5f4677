// The one number format: significant digits, 10^k with superscripts, and log-axis ticks every decade
// (or every few decades when the range is huge), on multiples of the step.
import { describe, expect, it } from 'vitest';
import { formatLogTick, formatValue, logTicks, pow10 } from '../../src/charts/format';

describe('number format', () => {
  it('writes four significant digits, trailing zeros dropped', () => {
    expect(formatValue(0.6224593312018546)).toBe('0.6225');
    expect(formatValue(9.51)).toBe('9.51');
    expect(formatValue(26.67696762084961)).toBe('26.68');
    expect(formatValue(-0.0123456)).toBe('-0.01235');
    expect(formatValue(1234.5)).toBe('1235');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(undefined)).toBe('–');
    expect(formatValue(Number.NaN)).toBe('–');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  it('writes tiny and huge numbers as m×10^k, powers of ten as 10^k', () => {
    expect(formatValue(4.487044362993971e-22)).toBe('4.487×10⁻²²');
    expect(formatValue(1e-21)).toBe('10⁻²¹');
    expect(formatValue(9.99996e-5)).toBe('10⁻⁴'); // rounds up into the next power
    expect(formatValue(-2.5e-7)).toBe('-2.5×10⁻⁷');
    expect(formatValue(123456)).toBe('1.235×10⁵');
    expect(pow10(-30)).toBe('10⁻³⁰');
    expect(pow10(0)).toBe('1');
    expect(pow10(1)).toBe('10');
  });

  it('labels a log axis with powers of ten', () => {
    expect(formatLogTick(-21)).toBe('10⁻²¹');
    expect(formatLogTick(0)).toBe('1');
    expect(formatLogTick(-2 + Math.log10(5))).toBe('5×10⁻²');
  });
});

describe('log-axis ticks', () => {
  const steps = (t: number[]) => t.slice(1).map((v, i) => Math.round((v - t[i]!) * 1e9) / 1e9);

  it('puts a tick on every decade when they fit', () => {
    expect(logTicks(-6.2, -0.3)).toEqual([-7, -6, -5, -4, -3, -2, -1, 0]);
  });

  it('goes to every 2, 3 or 5 decades when the range is huge, on multiples of the step', () => {
    const t = logTicks(-21.6, -1.4); // §6.2 over 1000 steps
    expect(new Set(steps(t)).size).toBe(1);
    expect([2, 3]).toContain(steps(t)[0]);
    expect(t.every((v) => v % steps(t)[0]! === 0)).toBe(true);
    expect(t[0]).toBeLessThanOrEqual(-21.6);
    expect(t.at(-1)).toBeGreaterThanOrEqual(-1.4);
    expect(t.length).toBeLessThanOrEqual(9);
    const huge = logTicks(-300, 0);
    expect(huge.length).toBeLessThanOrEqual(9);
    expect(huge[0]).toBeLessThanOrEqual(-300);
  });

  it('adds 2x and 5x ticks inside a single decade', () => {
    const t = logTicks(-1.9, -1.2);
    expect(t[0]).toBe(-2);
    expect(t.at(-1)).toBe(-1);
    expect(t.map(formatLogTick)).toEqual(['10⁻²', '2×10⁻²', '5×10⁻²', '10⁻¹']);
  });
});
