// The cost estimate (hostile input 3): against what was measured on the calibration machine, within 2x.
import { describe, expect, it } from 'vitest';
import { describeCost, estimateCost, needsConsent } from '../../src/train/cost';
import { parseExperiment } from '../../src/train/experiment';
import { findPreset } from '../../src/train/presets';

const heavyPair = { prompt: Array.from({ length: 32 }, (_, i) => i), chosen: Array.from({ length: 16 }, (_, i) => (i * 3) % 32), rejected: Array.from({ length: 16 }, (_, i) => (i * 5 + 1) % 32) };
const heavy = parseExperiment({ model: 'notebook', steps: 10_000, granularity: 'sequence', data: Array(8).fill(heavyPair), runs: Array(8).fill({ loss: 'dpo', beta: 0.1, lr: 1e-3 }) });
const within2x = (got: number, measured: number) => {
  expect(got).toBeGreaterThan(measured / 2);
  expect(got).toBeLessThan(measured * 2);
};

describe('cost estimate', () => {
  it('the 6.3.1 notebook run set: 58 ms a step and a 207 MB heap were measured', () => {
    const c = estimateCost(parseExperiment(findPreset('beta-sweep')!.spec));
    expect(c.rows).toBe(5 * 14);
    within2x(c.seconds / 100, 0.058);
    within2x(c.bytes / 2 ** 20, 207);
    expect(needsConsent(c)).toBe(false);
  });

  it('8 runs x 8 pairs x 64 tokens x 10,000 steps: 3.3-4.8 s a step and 1,597 MB were measured; it asks first', () => {
    const c = estimateCost(heavy);
    within2x(c.seconds / 10_000, 4);
    within2x(c.bytes / 2 ** 20, 1597);
    expect(needsConsent(c)).toBe(true);
    expect(describeCost(c)).toMatch(/^about \d+(\.\d)? h and 1\.\d GB$/);
  });
});
