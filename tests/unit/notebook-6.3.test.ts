// SPEC 1, outcomes 1-3 on the 6.3.1 and 6.3.2 run sets (CPU backend).
import { beforeAll, describe, expect, it } from 'vitest';
import { hMetric, type RunLog } from '../../src/train/metrics';
import { runPreset, sigmoid } from './helpers/run-preset';

const SIGMOID_HALF = sigmoid(0.5); // 0.6225
const hLast = (log: RunLog) => log.metrics[hMetric(3)]!;

describe('notebook 6.3.1: DPO vs IPO across beta (100 steps)', () => {
  let logs: Map<string, RunLog>;
  beforeAll(async () => {
    logs = await runPreset('beta-sweep');
  }, 900_000);

  for (const beta of [0.1, 0.5]) {
    it(`DPO beta=${beta}: pi_rej keeps falling, sigma_margin rises, loss falls`, () => {
      const m = logs.get(`DPO β=${beta} lr=0.01`)!.metrics;
      expect(m.pi_rej![99]).toBeLessThan(m.pi_rej![0]! / 100);
      expect(m.pi_rej![99]! / m.pi_rej![79]!).toBeLessThan(0.9); // no plateau
      expect(m.sigma_margin![99]).toBeGreaterThan(Math.max(0.7, m.sigma_margin![0]!));
      expect(m.loss![99]).toBeLessThan(m.loss![0]! / 2);
    });
  }

  for (const beta of [0.1, 0.5, 1.0]) {
    it(`IPO beta=${beta}: every h_t reaches 1/(2 beta) = ${1 / (2 * beta)} and sigma_margin sigmoid(0.5)`, () => {
      const log = logs.get(`IPO β=${beta} lr=0.0001`)!;
      for (let k = 0; k < 4; k++) {
        const h = log.metrics[hMetric(k)]![99]!;
        expect(Math.abs(h - 1 / (2 * beta)) / (1 / (2 * beta)), `h_${k}`).toBeLessThan(0.01);
      }
      expect(Math.abs(log.metrics.sigma_margin![99]! - SIGMOID_HALF)).toBeLessThan(1e-3);
      expect(log.metrics.loss![99]).toBeLessThan(1e-3 * log.metrics.loss![0]!);
      // pi_rej plateaus away from 0
      const pi = log.metrics.pi_rej!;
      expect(Math.abs(pi[99]! / pi[89]! - 1)).toBeLessThan(0.01);
      expect(pi[99]).toBeGreaterThan(1e-4);
    });
  }

  it('IPO: a larger beta leaves pi_rej higher (1.0 > 0.5 > 0.1), and above DPO\'s', () => {
    const pi = (label: string) => logs.get(label)!.metrics.pi_rej![99]!;
    expect(pi('IPO β=1 lr=0.0001')).toBeGreaterThan(pi('IPO β=0.5 lr=0.0001'));
    expect(pi('IPO β=0.5 lr=0.0001')).toBeGreaterThan(pi('IPO β=0.1 lr=0.0001'));
    expect(pi('IPO β=0.1 lr=0.0001')).toBeGreaterThan(pi('DPO β=0.1 lr=0.01'));
  });
});

describe('notebook 6.3.2: IPO across learning rates and optimizers (100 steps)', () => {
  let logs: Map<string, RunLog>;
  beforeAll(async () => {
    logs = await runPreset('lr-sweep');
  }, 900_000);
  const target = 1; // 1/(2 * 0.5)
  const late = (h: number[]) => Math.max(...h.slice(80).map((v) => Math.abs(v - target)));

  it('IPO with a large learning rate oscillates before settling', () => {
    const h = hLast(logs.get('IPO β=0.5 lr=0.01')!);
    expect(Math.max(...h.slice(0, 30).map((v) => Math.abs(v - target)))).toBeGreaterThan(1); // overshoots
    expect(h.slice(0, 30).some((v) => v > target + 0.5) && h.slice(0, 30).some((v) => v < target - 0.5)).toBe(true);
    expect(late(h)).toBeLessThan(1e-3); // settled
  });

  it('IPO with Adam keeps fluctuating where SGD at the same rate has settled', () => {
    const adam = hLast(logs.get('IPO β=0.5 lr=0.001 Adam')!);
    const sgd = hLast(logs.get('IPO β=0.5 lr=0.001')!);
    let crossings = 0;
    for (let s = 1, side = Math.sign(adam[0]! - target); s < adam.length; s++) {
      const d = adam[s]! - target;
      if (Math.abs(d) > 0.01 && Math.sign(d) !== side) {
        crossings++;
        side = Math.sign(d);
      }
    }
    expect(crossings).toBeGreaterThanOrEqual(3);
    expect(late(adam)).toBeGreaterThan(1e-4);
    expect(late(adam)).toBeGreaterThan(100 * late(sgd));
  });

  it('DPO at the same beta keeps growing the margin', () => {
    const m = logs.get('DPO β=0.5 lr=0.001')!.metrics;
    expect(hLast(logs.get('DPO β=0.5 lr=0.001')!)[99]).toBeGreaterThan(hLast(logs.get('DPO β=0.5 lr=0.001')!)[50]! + 0.5);
    expect(m.pi_rej![99]).toBeLessThan(m.pi_rej![50]!);
  });
});
