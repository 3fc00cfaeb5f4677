// Run health (issue: misleading messages): each stop names its real cause, from synthetic step readings.
import { describe, expect, it } from 'vitest';
import { checkHealth, H_BLOWUP, type StepReading } from '../../src/train/health';

const ok: StepReading = { step: 3, loss: 0.5, gradNorm: 0.3, piChosen: 0.04, piRej: 0.02, h: [0.1, 0.2, -0.1, 0.4] };
const dpo = { loss: 'dpo' as const, beta: 0.1, lr: 0.1 };
const ipo = { loss: 'ipo' as const, beta: 1e-30, lr: 1e-4 };

describe('run health', () => {
  it('a learning run is ok, and so is DPO overfitting (pi_rej near 0, chosen alive, gradient tiny)', () => {
    expect(checkHealth(ok, dpo, 32)).toEqual({ state: 'ok' });
    expect(checkHealth({ ...ok, piRej: 1e-22, gradNorm: 0, h: [50, 60, 70, 80] }, dpo, 32)).toEqual({ state: 'ok' });
    expect(checkHealth({ ...ok, step: 0, piChosen: 1 / 32, piRej: 1 / 32, gradNorm: 0 }, dpo, 32)).toEqual({ state: 'ok' }); // uniform at init is no collapse
  });

  it('a loss that is not finite before any update blames β, with IPO\'s target, not the learning rate', () => {
    const s = checkHealth({ ...ok, step: 0, loss: Infinity }, ipo, 32);
    expect(s.state).toBe('diverged');
    if (s.state !== 'ok') {
      expect(s.reason).toMatch(/before any update, so the learning rate is not the cause: β = 1e-30 \(IPO's target 1\/\(2β\) = 5\.00e\+29\)/);
      expect(s.reason).not.toMatch(/too large/);
    }
  });

  it('after updates, a loss or gradient that is not finite blames the learning rate', () => {
    const s = checkHealth({ ...ok, gradNorm: NaN }, dpo, 32);
    expect(s).toMatchObject({ state: 'diverged', step: 3, reason: expect.stringMatching(/gradient norm became NaN at step 4; learning rate 0.1 is too large/) });
  });

  it('a margin beyond what float32 log-probs can mean is a blow-up', () => {
    expect(checkHealth({ ...ok, h: [1, 2, 1.5e8, 3] }, dpo, 32)).toMatchObject({ state: 'blew-up', reason: expect.stringMatching(/margin h reached 1\.50e\+8 at step 4/) });
    expect(checkHealth({ ...ok, h: [H_BLOWUP * 0.99] }, dpo, 32).state).toBe('ok');
    expect(checkHealth({ ...ok, piChosen: 0, piRej: 0, gradNorm: 0, h: [1600] }, dpo, 32)).toMatchObject({ state: 'blew-up', reason: expect.stringMatching(/saturated/) });
  });

  it('a policy stuck on the uniform distribution with no gradient is a collapse', () => {
    const s = checkHealth({ ...ok, piChosen: 0.03125, piRej: 0.0312499997, gradNorm: 0 }, { ...dpo, lr: 1e6 }, 32);
    expect(s).toMatchObject({ state: 'collapsed', reason: expect.stringMatching(/uniform distribution at step 4 \(π = 1\/32 .*learning rate 1000000 is too large/) });
    expect(checkHealth({ ...ok, piChosen: 0.03125, piRej: 0.03125, gradNorm: 0.5 }, dpo, 32).state).toBe('ok'); // still moving
  });
});
