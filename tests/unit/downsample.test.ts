import { describe, expect, it } from 'vitest';
import { buildRows, toLog10 } from '../../src/charts/downsample';
import { formatLogTick, logTicks, niceTicks } from '../../src/charts/format';

describe('chart data', () => {
  it('keeps every point of short series, and nulls for missing or non-finite values', () => {
    const rows = buildRows([{ key: 'a', values: [1, 2, NaN] }, { key: 'b', values: [5] }]);
    expect(rows).toEqual([{ x: 0, a: 1, b: 5 }, { x: 1, a: 2, b: null }, { x: 2, a: null, b: null }]);
  });

  it('reduces long series to min and max per bucket, in order, so oscillations keep their envelope', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + i / 1000)); // period-2 oscillation
    const rows = buildRows([{ key: 'a', values }], 300);
    expect(rows.length).toBeLessThanOrEqual(300);
    const ys = rows.map((r) => r.a!);
    expect(Math.max(...ys)).toBeCloseTo(Math.max(...values), 6);
    expect(Math.min(...ys)).toBeCloseTo(Math.min(...values), 6);
    expect(ys.filter((y) => y > 0).length).toBeGreaterThan(100); // both signs survive in every bucket
    expect(rows.at(-1)!.x).toBe(999);
  });

  it('plots probabilities far below float32 range on a log axis', () => {
    expect(toLog10([1e-30, 1e-300, 0, -1])).toEqual([-30, -300, Number.NEGATIVE_INFINITY, NaN]); // exactly 0: drawn at the axis floor, marked
    const ticks = logTicks(-31.2, -1.5);
    expect(ticks[0]).toBeLessThanOrEqual(-32);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(-1);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(formatLogTick(-30)).toBe('10⁻³⁰');
    expect(formatLogTick(0)).toBe('1');
  });

  it('chooses round linear ticks that cover the data', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const t = niceTicks(-6.3, 17.8);
    expect(t[0]).toBeLessThanOrEqual(-6.3);
    expect(t.at(-1)).toBeGreaterThanOrEqual(17.8);
    expect(t.every((v, i) => i === 0 || Math.abs(v - t[i - 1]! - (t[1]! - t[0]!)) < 1e-9)).toBe(true);
    expect(niceTicks(0, 99, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.6225, 0.6225).length).toBeGreaterThan(1);
  });
});
