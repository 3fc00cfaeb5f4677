// Verdicts from synthetic series: each kind of ending, for DPO, IPO (per token and per answer), cDPO,
// the hinge, and a diverged run; and the words they are shown with.
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../src/charts/format';
import { runVerdict, verdictText, type VerdictLog } from '../../src/train/verdict';

const steps = (n: number, f: (t: number) => number) => Array.from({ length: n }, (_, t) => f(t));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A log with per-token margins h/0..h/3 all following h(t), and the metrics the verdict reads. */
function log(n: number, o: { piRej?: (t: number) => number; h?: (t: number) => number; loss?: (t: number) => number; beta?: number }): VerdictLog {
  const h = o.h ?? (() => 0);
  const beta = o.beta ?? 0.1;
  const metrics: Record<string, number[]> = {
    loss: steps(n, o.loss ?? ((t) => 1 / (t + 1))),
    pi_rej: steps(n, o.piRej ?? (() => 0.03)),
    sigma_margin: steps(n, (t) => sigmoid(beta * h(t))),
  };
  for (let k = 0; k < 4; k++) metrics[`h/${k}`] = steps(n, (t) => h(t) * (1 + 0.001 * k));
  return { metrics, status: { state: 'ok' } };
}

const text = (v: ReturnType<typeof runVerdict>) => (v ? verdictText(v, formatValue) : null);

describe('run verdicts', () => {
  it('DPO: π(rejected) still falling, with no plateau', () => {
    const v = runVerdict({ loss: 'dpo', beta: 0.1 }, log(1000, { piRej: (t) => 0.039 * 10 ** (-0.021 * t) }));
    expect(v).toMatchObject({ kind: 'falling' });
    expect(v?.kind === 'falling' && Math.abs(v.decades - 0.021 * 50) < 1e-9).toBe(true);
    expect(text(v)).toBe('π(rejected) still falling: 4.093×10⁻²³ and dropping (1.1 decades in the last 50 steps), no plateau');
  });

  it('DPO with a learning rate too small to move: levelled off, not falling', () => {
    const v = runVerdict({ loss: 'dpo', beta: 0.5 }, log(100, { piRej: (t) => 0.039 * (1 - 1e-6 * t) }));
    expect(v).toMatchObject({ kind: 'levelled' });
    expect(text(v)).toMatch(/^π\(rejected\) levelled off at 0\.039/);
  });

  it('IPO per token: settled when every h_t is within 1% of 1/(2β)', () => {
    const beta = 0.1; // target 5
    const v = runVerdict({ loss: 'ipo', beta }, log(150, { beta, h: (t) => 5 * (1 - Math.exp(-t / 10)) }));
    expect(v).toMatchObject({ kind: 'settled', target: { name: '1/(2β)', value: 5 } });
    expect(text(v)).toBe('settled: h = 1/(2β) = 5 within 1% over the last 30 steps');
  });

  it('IPO with Adam on the notebook model (§6.3.2): circling the target, not settled, even when the last step is within 1%', () => {
    // h as the notebook model's Adam run traces it over its last 20 steps: ±0.5-1.3% around 1, slowly damped
    const beta = 0.5;
    const h = (t: number) => 1 + 0.05 * Math.exp(-t / 60) * Math.sin((2 * Math.PI * t) / 12);
    const l = log(100, { beta, h });
    expect(Math.abs(h(99) - 1)).toBeLessThan(0.01); // the last step alone would call it settled
    const v = runVerdict({ loss: 'ipo', beta }, l);
    expect(v).toMatchObject({ kind: 'oscillating' });
    expect(text(v)).toMatch(/^oscillating around h = 1\/\(2β\) = 1: off by up to 1\.\d% in the last 20 steps$/);
    // Two hundred steps on, it has calmed down: settled over the whole window
    expect(runVerdict({ loss: 'ipo', beta }, log(400, { beta, h }))).toMatchObject({ kind: 'settled' });
  });

  it('IPO still on its way: approaching, with how far it is', () => {
    const v = runVerdict({ loss: 'ipo', beta: 0.1 }, log(100, { h: (t) => 0.02 * t }));
    expect(v).toMatchObject({ kind: 'approaching' });
    expect(v?.kind === 'approaching' && Math.abs(v.h - 1.98 * 1.0015) < 1e-9).toBe(true); // the mean of the four tokens' h
    expect(text(v)).toBe('approaching h = 1/(2β) = 5: h = 1.983 so far (60% away), not yet within 1% over the last 20 steps');
  });

  it('IPO at a large learning rate: oscillating around the target', () => {
    const v = runVerdict({ loss: 'ipo', beta: 0.5 }, log(150, { beta: 0.5, h: (t) => 1 + 0.3 * Math.cos(Math.PI * t) * Math.exp(-t / 500) }));
    expect(v).toMatchObject({ kind: 'oscillating', target: { value: 1 } });
    expect(text(v)).toMatch(/^oscillating around h = 1\/\(2β\) = 1: off by up to 2\d% in the last 30 steps$/);
  });

  it('IPO per answer reads the margin from σ(βh) of the whole answer', () => {
    const beta = 0.5;
    const l = log(100, { beta, h: () => 1.004 });
    for (let k = 0; k < 4; k++) l.metrics[`h/${k}`] = steps(100, () => 0.25); // per token: a quarter each
    expect(runVerdict({ loss: 'ipo', beta }, l, 'sequence')).toMatchObject({ kind: 'settled' });
    expect(runVerdict({ loss: 'ipo', beta }, l, 'token')).toMatchObject({ kind: 'approaching' });
  });

  it('cDPO settles at its finite optimum ln((1−ε)/ε)/β', () => {
    const target = Math.log(0.9 / 0.1) / 0.2;
    const v = runVerdict({ loss: 'cdpo', beta: 0.2, labelSmoothing: 0.1 }, log(100, { beta: 0.2, h: (t) => target * (1 - Math.exp(-t / 5)) }));
    expect(v).toMatchObject({ kind: 'settled', target: { name: 'ln((1−ε)/ε)/β' } });
    expect(v?.kind === 'settled' && Math.abs(v.target.value - target) < 1e-12).toBe(true);
  });

  it('the hinge stops pushing once βh passes 1: its loss is exactly 0', () => {
    const v = runVerdict({ loss: 'hinge', beta: 0.5 }, log(60, { beta: 0.5, h: (t) => Math.min(2.1, 0.1 * t), loss: (t) => Math.max(0, 1 - 0.05 * t) }));
    expect(v).toMatchObject({ kind: 'hinge-done' });
    expect(text(v)).toBe('stopped pushing: βh = 1.052 passed 1, so the loss is exactly 0');
  });

  it('says where a diverged run stopped, and waits for 5 steps before judging', () => {
    const l = log(3, {});
    expect(runVerdict({ loss: 'dpo', beta: 0.1 }, l)).toBeNull();
    l.status = { state: 'diverged', step: 2, reason: 'the loss became NaN at step 3' };
    expect(text(runVerdict({ loss: 'dpo', beta: 0.1 }, l))).toBe('stopped: the loss became NaN at step 3');
  });

  it('a loss the verdict has no target for falls back to π(rejected)\'s trend', () => {
    expect(runVerdict({ loss: 'kto', beta: 0.1 }, log(100, { piRej: (t) => 0.03 * 10 ** (-0.01 * t) }))).toMatchObject({ kind: 'falling' });
  });
});
