// SPEC 1, outcome 1 on the 6.2 run set: DPO's rejected probability has no floor.
import { describe, expect, it } from 'vitest';
import { runPreset } from './helpers/run-preset';

describe('notebook 6.2: DPO overfits (1000 steps, CPU backend)', () => {
  it('drives pi_rej down by many orders of magnitude without a plateau', async () => {
    const logs = await runPreset('dpo-overfits', 1000);
    const m = logs.get('DPO β=0.1 lr=0.1')!.metrics;
    const pi = m.pi_rej!;
    expect(pi).toHaveLength(1000);
    expect(pi[0]).toBeGreaterThan(1e-3); // a random init gives the rejected token ~1/32
    expect(pi[999]).toBeLessThan(1e-10);
    // Still falling at the end: a factor of 2 or more over the last 100 steps (no plateau).
    expect(pi[999]! / pi[899]!).toBeLessThan(0.5);
    // ... and every 100 steps before that.
    for (let s = 100; s < 1000; s += 100) expect(pi[s]!).toBeLessThan(pi[s - 100]!);
    expect(m.sigma_margin![999]).toBeGreaterThan(0.99);
    expect(m.loss![999]).toBeLessThan(0.01);
  });
});
