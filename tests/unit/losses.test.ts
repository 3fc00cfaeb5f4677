import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS, LOSSES, type LossId, type LossParams } from '../../src/train/losses';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logSig = (z: number) => Math.log(sigmoid(z));

/** A few (pc, pr, rc, rr) quadruples, including a large margin where naive log(sigmoid) would lose precision. */
const CASES = [
  { pc: -1.0, pr: -2.0, rc: -1.5, rr: -1.2 },
  { pc: -3.0, pr: -0.5, rc: -2.0, rr: -1.0 },
  { pc: -0.2, pr: -30.0, rc: -2.5, rr: -2.5 },
];
const BETA = 0.5;

/** float32 against float64: relative 1e-5, absolute 1e-6 near zero. */
function expectRelClose(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want));
}
const P: LossParams = { labelSmoothing: 0.2, dpopLambda: 5, simpoGamma: 0.3, cpoAlpha: 0.7, cpoVariant: 'sigmoid', ktoLambdaD: 1.5, ktoLambdaU: 0.8 };
/** KTO's inputs for the cases: z0 and each case's labels (chosen desirable, rejected undesirable, then other mixes). */
const Z0 = 0.3;
const DESIRABLE = { c: [1, 0, 1], r: [0, 0, 1] };

/** Each loss written out by hand from its paper. */
function expected(id: LossId, c: (typeof CASES)[number], i = 0): { loss: number; rc: number; rr: number } {
  const h = c.pc - c.rc - (c.pr - c.rr);
  const z = BETA * h;
  const refRewards = { rc: BETA * (c.pc - c.rc), rr: BETA * (c.pr - c.rr) };
  const eps = P.labelSmoothing;
  switch (id) {
    case 'dpo': return { loss: -logSig(z), ...refRewards };
    case 'ipo':
    case 'ipo_mean': return { loss: (h - 1 / (2 * BETA)) ** 2, ...refRewards };
    case 'cdpo': return { loss: -(1 - eps) * logSig(z) - eps * logSig(-z), ...refRewards };
    case 'robust': return { loss: (-(1 - eps) * logSig(z) + eps * logSig(-z)) / (1 - 2 * eps), ...refRewards };
    case 'hinge': return { loss: Math.max(0, 1 - z), ...refRewards };
    case 'dpop': return { loss: -logSig(BETA * (h - P.dpopLambda * Math.max(0, c.rc - c.pc))), ...refRewards };
    case 'simpo': return { loss: -logSig(BETA * (c.pc - c.pr) - P.simpoGamma), rc: BETA * c.pc, rr: BETA * c.pr };
    case 'orpo': {
      const logOdds = (lp: number) => lp - Math.log(1 - Math.exp(lp));
      return { loss: -c.pc - BETA * logSig(logOdds(c.pc) - logOdds(c.pr)), rc: BETA * c.pc, rr: BETA * c.pr };
    }
    case 'kto': {
      // Ethayarajh et al. 2024: desirable lambda_D (1 - sigma(beta (r - z0))), undesirable lambda_U (1 - sigma(beta (z0 - r))).
      const term = (r: number, desirable: number) => (desirable ? P.ktoLambdaD * (1 - sigmoid(BETA * (r - Z0))) : P.ktoLambdaU * (1 - sigmoid(BETA * (Z0 - r))));
      return { loss: (term(c.pc - c.rc, DESIRABLE.c[i]!) + term(c.pr - c.rr, DESIRABLE.r[i]!)) / 2, ...refRewards };
    }
    case 'cpo': return { loss: -logSig(BETA * (c.pc - c.pr)) - P.cpoAlpha * c.pc, rc: BETA * c.pc, rr: BETA * c.pr };
  }
}

describe('loss zoo', () => {
  for (const id of LOSS_IDS) {
    it(`${id}: losses and rewards match the paper's formula`, () => {
      const t = (k: 'pc' | 'pr' | 'rc' | 'rr') => tf.tensor1d(CASES.map((c) => c[k]));
      const out = tf.tidy(() => {
        const kto = { z0: tf.scalar(Z0), desirableC: tf.tensor1d(DESIRABLE.c), desirableR: tf.tensor1d(DESIRABLE.r) };
        const o = LOSSES[id].fn({ pc: t('pc'), pr: t('pr'), rc: t('rc'), rr: t('rr'), beta: BETA, params: P, kto });
        const rw = o.rewards();
        return { l: o.losses.arraySync() as number[], c: rw.chosen.arraySync() as number[], r: rw.rejected.arraySync() as number[] };
      });
      CASES.forEach((c, i) => {
        const e = expected(id, c, i);
        expectRelClose(out.l[i]!, e.loss);
        expectRelClose(out.c[i]!, e.rc);
        expectRelClose(out.r[i]!, e.rr);
      });
    });
  }

  it('DPO at h = 0 is log 2 and IPO is 1/(2 beta)^2', () => {
    const z = tf.zeros([1]);
    const x = { pc: z, pr: z, rc: z, rr: z, beta: 0.1, params: DEFAULT_LOSS_PARAMS };
    expect(LOSSES.dpo.fn(x).losses.dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    expect(LOSSES.ipo.fn(x).losses.dataSync()[0]).toBeCloseTo(25, 4);
  });

  it('takes one beta per run as a broadcast tensor', () => {
    const pc = tf.tensor2d([[-1], [-1]]);
    const pr = tf.tensor2d([[-2], [-2]]);
    const out = LOSSES.ipo.fn({ pc, pr, rc: tf.zeros([1, 1]), rr: tf.zeros([1, 1]), beta: tf.tensor2d([[0.1], [1]]), params: DEFAULT_LOSS_PARAMS });
    const l = out.losses.dataSync();
    expect(l[0]).toBeCloseTo((1 - 5) ** 2, 4);
    expect(l[1]).toBeCloseTo((1 - 0.5) ** 2, 4);
  });

  it('gives finite gradients at extreme log-probs', () => {
    for (const id of LOSS_IDS) {
      const kto = { z0: tf.scalar(0.5), desirableC: tf.tensor1d([1, 0]), desirableR: tf.tensor1d([0, 1]) };
      const g = tf.grad((pc: tf.Tensor) => tf.sum(LOSSES[id].fn({ pc, pr: tf.tensor1d([-80, -1e-9]), rc: tf.tensor1d([-1, -1]), rr: tf.tensor1d([-1, -1]), beta: 0.1, params: DEFAULT_LOSS_PARAMS, kto }).losses));
      const values = g(tf.tensor1d([-1e-9, -80])).dataSync();
      expect([...values].every(Number.isFinite), id).toBe(true);
    }
  });
});

describe('CPO (Xu et al. 2024; TRL CPOTrainer)', () => {
  const t = (k: 'pc' | 'pr' | 'rc' | 'rr') => tf.tensor1d(CASES.map((c) => c[k]));

  it('is DPO without the reference plus alpha times the NLL of the chosen answer', () => {
    for (const alpha of [0, 0.7, 3]) {
      const params = { ...P, cpoAlpha: alpha };
      const cpo = tf.tidy(() => LOSSES.cpo.fn({ pc: t('pc'), pr: t('pr'), rc: t('rc'), rr: t('rr'), beta: BETA, params }).losses.arraySync() as number[]);
      const dpo = tf.tidy(() => LOSSES.dpo.fn({ pc: t('pc'), pr: t('pr'), rc: tf.zeros([3]), rr: tf.zeros([3]), beta: BETA, params }).losses.arraySync() as number[]);
      CASES.forEach((c, i) => expectRelClose(cpo[i]!, dpo[i]! + alpha * -c.pc));
    }
  });

  it('offers TRL\'s hinge and IPO variants, and reads the mean chosen log-prob for its NLL when given', () => {
    const mean = tf.tensor1d([-0.5, -1, -0.1]);
    const out = (cpoVariant: 'hinge' | 'ipo') => tf.tidy(() => LOSSES.cpo.fn({ pc: t('pc'), pr: t('pr'), rc: t('rc'), rr: t('rr'), beta: BETA, params: { ...P, cpoVariant }, chosenMeanLogp: mean }).losses.arraySync() as number[]);
    const hinge = out('hinge');
    const ipo = out('ipo');
    CASES.forEach((c, i) => {
      const nll = -[-0.5, -1, -0.1][i]!;
      expectRelClose(hinge[i]!, Math.max(0, 1 - BETA * (c.pc - c.pr)) + P.cpoAlpha * nll);
      expectRelClose(ipo[i]!, (c.pc - c.pr - 1 / (2 * BETA)) ** 2 + P.cpoAlpha * nll);
    });
  });
});

describe('KTO (Ethayarajh et al. 2024; TRL KTOTrainer)', () => {
  it('at z0 = 0 and r = 0 costs lambda/2 per answer, and needs z0 and the labels', () => {
    const z = tf.zeros([1]);
    const kto = { z0: tf.scalar(0), desirableC: tf.ones([1]), desirableR: tf.zeros([1]) };
    const l = LOSSES.kto.fn({ pc: z, pr: z, rc: z, rr: z, beta: 0.1, params: P, kto }).losses.dataSync()[0]!;
    expectRelClose(l, (P.ktoLambdaD * 0.5 + P.ktoLambdaU * 0.5) / 2);
    expect(() => LOSSES.kto.fn({ pc: z, pr: z, rc: z, rr: z, beta: 0.1, params: P })).toThrow(/z0/);
  });
});
