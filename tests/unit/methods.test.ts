// The seeds' other methods in the engine: KTO's z0 and its TRL metrics against a direct float64
// computation, CPO against DPO without its reference plus alpha NLL, a comparison of reference-free runs
// that needs no reference, and the GPO families' math.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { MODEL_PRESETS } from '../../src/model/config';
import { packWeights } from '../../src/model/llama';
import { initParams, type ParamSet } from '../../src/model/params';
import { STACKED } from '../../src/model/weightLayout';
import { DEFAULT_LOSS_PARAMS, GPO, GPO_FAMILIES, gpoFamilyOf, type LossId, type LossParams } from '../../src/train/catalog';
import { type Granularity, type PreferencePair } from '../../src/train/data';
import { comparisonConfig, parseExperiment, type ExperimentSpec } from '../../src/train/experiment';
import { buildScoringConstants, tokenLogProbs } from '../../src/train/logprobs';
import { LOSSES } from '../../src/train/losses';
import { buildObjectiveConstants, runLosses } from '../../src/train/objective';
import { mismatchedAnswers, packPairs } from '../../src/train/packing';
import { applyRunPatch } from '../../src/train/run';
import { createComparison, seededWeights, trainFor } from '../../src/train/session';
import { Comparison } from '../../src/train/trainer';
import { logSoftmax, referenceLogits } from './helpers/reference-llama';

const PAIRS: PreferencePair[] = [
  { prompt: [5, 8, 9, 10, 5, 3], chosen: [16, 29, 18, 17], rejected: [26, 14, 31, 0] },
  { prompt: [1, 2, 3], chosen: [4, 5, 6, 7], rejected: [8, 9, 10, 11] },
  { prompt: [12, 13], chosen: [20, 21, 22, 23], rejected: [24, 25, 26, 27] },
];
const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;

/** Next-token log-probs of an answer after a prompt, in float64, from the naive reference forward. */
function answerLogps(p: ParamSet, prompt: number[], answer: number[]): number[] {
  const rows = referenceLogits(p, [...prompt, ...answer]).map(logSoftmax);
  return answer.map((tok, k) => rows[prompt.length + k - 1]![tok]!);
}

const spec = (over: Partial<ExperimentSpec>): ExperimentSpec => ({ model: 'tiny', seed: 11, steps: 1, scoring: 'next-token', data: PAIRS, runs: [], ...over });

async function stepZero(e: ReturnType<typeof parseExperiment>, weights = seededWeights(e)) {
  const cmp = createComparison(e, weights, STACKED);
  await trainFor(cmp, 1);
  const logs = cmp.logs;
  cmp.dispose();
  return logs;
}

describe('KTO (Ethayarajh et al. 2024; TRL KTOTrainer)', () => {
  it('builds the mismatched pairs as TRL does: the examples [chosen..., rejected...] shifted by one', () => {
    const m = mismatchedAnswers(PAIRS);
    expect(m.forChosen).toEqual([PAIRS[2]!.rejected, PAIRS[0]!.chosen, PAIRS[1]!.chosen]);
    expect(m.forRejected).toEqual([PAIRS[2]!.chosen, PAIRS[0]!.rejected, PAIRS[1]!.rejected]);
    // One pair: its two answers swap.
    expect(mismatchedAnswers([PAIRS[0]!])).toEqual({ forChosen: [PAIRS[0]!.rejected], forRejected: [PAIRS[0]!.chosen] });
  });

  for (const granularity of ['sequence', 'token'] as const) {
    it(`z0 (the kl metric) and the loss equal a direct float64 computation, clamped at 0 (${granularity} level)`, async () => {
      const e = parseExperiment(spec({ granularity, runs: [{ loss: 'kto', beta: 0.5, lr: 0.1, ktoLambdaD: 1.3, ktoLambdaU: 0.7 }] }));
      const { policy, reference } = seededWeights(e);
      const m = mismatchedAnswers(PAIRS);
      const klAnswers = [...m.forChosen, ...m.forRejected].map((answer, i) => ({ prompt: PAIRS[i % PAIRS.length]!.prompt, answer }));
      const ratios = (pol: ParamSet, ref: ParamSet) => klAnswers.map(({ prompt, answer }) => {
        const a = answerLogps(pol, prompt, answer);
        const b = answerLogps(ref, prompt, answer);
        return a.map((v, k) => v - b[k]!);
      });
      // TRL: per example the log-ratio summed over the answer, averaged over the examples; per token: over all tokens.
      const estimate = (r: number[][]) => (granularity === 'sequence' ? mean(r.map(sum)) : mean(r.flat()));
      const forward = estimate(ratios(policy, reference));
      const swapped = estimate(ratios(reference, policy)); // the other way round the estimate changes sign
      expect(Math.abs(forward)).toBeGreaterThan(1e-3); // the clamp is tested, not vacuous
      const [pos, neg] = forward > 0 ? [{ policy, reference }, { policy: reference, reference: policy }] : [{ policy: reference, reference: policy }, { policy, reference }];
      const logs = await stepZero(e, pos);
      expectAllClose([logs[0]!.metrics.kl![0]!], [Math.max(forward, swapped)], { rel: 1e-4, abs: 1e-6 }, 'z0');
      expect((await stepZero(e, neg))[0]!.metrics.kl![0]).toBe(0);

      // The loss at step 0, from the same float64 log-probs.
      const z0 = Math.max(forward, swapped);
      const beta = 0.5;
      const sig = (x: number) => 1 / (1 + Math.exp(-x));
      const term = (r: number, desirable: boolean) => (desirable ? 1.3 * (1 - sig(beta * (r - z0))) : 0.7 * (1 - sig(beta * (z0 - r))));
      const r = (answer: 'chosen' | 'rejected', p: PreferencePair) => {
        const a = answerLogps(pos.policy, p.prompt, p[answer]);
        const b = answerLogps(pos.reference, p.prompt, p[answer]);
        return a.map((v, k) => v - b[k]!);
      };
      const perExample = PAIRS.flatMap((p) => (granularity === 'sequence' ? [term(sum(r('chosen', p)), true), term(sum(r('rejected', p)), false)] : [...r('chosen', p).map((v) => term(v, true)), ...r('rejected', p).map((v) => term(v, false))]));
      expectAllClose([logs[0]!.metrics.loss![0]!], [mean(perExample)], { rel: 1e-4 }, 'loss');
    });
  }

  it('logs rewards and log-probs over the desirable and the undesirable answers, as TRL does, whatever the pairs', async () => {
    // Pair 1: both answers desirable; pair 2: both undesirable; pair 3: as the pair says.
    const data: PreferencePair[] = [{ ...PAIRS[0]!, rejectedLabel: 'desirable' }, { ...PAIRS[1]!, chosenLabel: 'undesirable' }, PAIRS[2]!];
    const e = parseExperiment(spec({ granularity: 'sequence', data, runs: [{ loss: 'kto', beta: 0.2, lr: 0.1 }, { loss: 'dpo', beta: 0.2, lr: 0.1 }] }));
    const { policy, reference } = seededWeights(e);
    const logs = await stepZero(e);
    const logp = (p: PreferencePair, a: 'chosen' | 'rejected') => sum(answerLogps(policy, p.prompt, p[a]));
    const reward = (p: PreferencePair, a: 'chosen' | 'rejected') => 0.2 * (logp(p, a) - sum(answerLogps(reference, p.prompt, p[a])));
    const desirable = [[data[0]!, 'chosen'], [data[0]!, 'rejected'], [data[2]!, 'chosen']] as const;
    const undesirable = [[data[1]!, 'chosen'], [data[1]!, 'rejected'], [data[2]!, 'rejected']] as const;
    const k = logs[0]!.metrics;
    expectAllClose(
      [k['rewards/chosen']![0]!, k['rewards/rejected']![0]!, k['rewards/margins']![0]!, k['logps/chosen']![0]!, k['logps/rejected']![0]!],
      [mean(desirable.map(([p, a]) => reward(p, a))), mean(undesirable.map(([p, a]) => reward(p, a))),
        mean(desirable.map(([p, a]) => reward(p, a))) - mean(undesirable.map(([p, a]) => reward(p, a))),
        mean(desirable.map(([p, a]) => logp(p, a))), mean(undesirable.map(([p, a]) => logp(p, a)))],
      { rel: 1e-4, abs: 1e-6 }, 'KTO metrics',
    );
    // nll_loss (TRL's CPO and ORPO name): the cross-entropy over every chosen token, whatever the loss.
    expectAllClose([k.nll_loss![0]!], [-mean(data.flatMap((p) => answerLogps(policy, p.prompt, p.chosen)))], { rel: 1e-4 }, 'nll_loss');
    // The DPO run beside it keeps the pairs' meaning (labels are KTO's only); every run gets a kl.
    expectAllClose([logs[1]!.metrics['rewards/chosen']![0]!], [mean(data.map((p) => reward(p, 'chosen')))], { rel: 1e-4 }, 'DPO rewards/chosen');
    expect(logs[1]!.metrics.kl).toHaveLength(1);
  });

  it('a pair without labels trains exactly like one with the default labels written out, and without a KTO run scores no mismatched pairs', async () => {
    const runs = [{ loss: 'kto' as const, beta: 0.1, lr: 0.1 }, { loss: 'ipo' as const, beta: 0.5, lr: 0.01 }];
    const a = await stepZero(parseExperiment(spec({ steps: 3, runs })));
    const b = await stepZero(parseExperiment(spec({ steps: 3, runs, data: PAIRS.map((p) => ({ ...p, chosenLabel: 'desirable', rejectedLabel: 'undesirable' })) })));
    expect(b.map((l) => l.metrics)).toEqual(a.map((l) => l.metrics));
    const plain = await stepZero(parseExperiment(spec({ runs: [runs[1]!] })));
    expect(plain[0]!.metrics.kl).toBeUndefined();
    expect(plain[0]!.metrics.loss).toEqual(a[1]!.metrics.loss); // the extra rows change nothing for the IPO run
  });
});

describe('CPO (Xu et al. 2024; TRL CPOTrainer)', () => {
  const c = { ...MODEL_PRESETS.tiny, hiddenSize: 16, intermediateSize: 24, initStd: 0.2 };
  /** Each run's loss on one policy, with no reference scored (zeros: DPO "without its reference"). */
  function losses(runs: { loss: LossId; params: LossParams }[], granularity: Granularity, data: PreferencePair[]) {
    const packed = packPairs(data, 'next-token');
    const scoring = buildScoringConstants(c, packed);
    const k = buildObjectiveConstants(packed, null, granularity);
    const out = tf.tidy(() => {
      const w = packWeights(runs.map(() => initParams(c, 3, 0)), STACKED);
      const lp = tokenLogProbs(w, scoring, c).tokenLogp;
      const L = runLosses(lp, runs.map((r) => ({ ...r, beta: 0.4 })), k);
      // The NLL of the chosen answer: per token (TRL's cross-entropy), per pair at sequence level.
      const pc = tf.reshape(tf.slice(lp, [0, 0], [1, packed.P * packed.N]), [packed.P, packed.N]).arraySync() as number[][];
      return { L: L.arraySync() as number[], pc };
    });
    scoring.dispose();
    k.dispose();
    const chosen = out.pc.map((row, i) => row.slice(0, data[i]!.chosen.length));
    const nll = -mean(chosen.flat()); // TRL: the cross-entropy over every chosen token, at either level
    return { L: out.L, nll };
  }

  for (const granularity of ['token', 'sequence'] as const) {
    it(`equals DPO without its reference plus alpha times the NLL of the chosen answer (${granularity} level)`, () => {
      // Unequal chosen lengths at sequence level: the NLL is still the mean over every chosen token, as TRL's.
      const data = granularity === 'token' ? PAIRS : [PAIRS[0]!, { prompt: [1, 2], chosen: [3, 4], rejected: [5, 6, 7] }];
      for (const cpoAlpha of [0, 1, 2.5]) {
        const { L, nll } = losses([{ loss: 'cpo', params: { ...DEFAULT_LOSS_PARAMS, cpoAlpha } }, { loss: 'dpo', params: DEFAULT_LOSS_PARAMS }], granularity, data);
        expect(nll).toBeGreaterThan(0.1);
        expectAllClose([L[0]!], [L[1]! + cpoAlpha * nll], { rel: 2e-5 }, `alpha ${cpoAlpha}`);
      }
    });
  }

  it('its hinge and IPO variants are SLiC\'s and length-averaged IPO\'s preference terms on the reference-free margin', () => {
    const data = [PAIRS[0]!, { prompt: [1, 2], chosen: [3, 4], rejected: [5, 6, 7] }];
    const alpha0 = (cpoVariant: 'hinge' | 'ipo') => ({ loss: 'cpo' as const, params: { ...DEFAULT_LOSS_PARAMS, cpoAlpha: 0, cpoVariant } });
    const { L } = losses([alpha0('hinge'), { loss: 'hinge', params: DEFAULT_LOSS_PARAMS }, alpha0('ipo'), { loss: 'ipo_mean', params: DEFAULT_LOSS_PARAMS }], 'sequence', data);
    expectAllClose([L[0]!, L[2]!], [L[1]!, L[3]!], { rel: 2e-5 }, 'variants');
  });
});

describe('a comparison of reference-free runs needs no reference', () => {
  const e = parseExperiment(spec({ steps: 3, runs: [{ loss: 'cpo', beta: 0.2, lr: 0.1 }, { loss: 'simpo', beta: 2, lr: 0.05 }, { loss: 'orpo', beta: 0.1, lr: 0.05 }] }));

  it('trains without one, and one given is never scored (NaN weights change nothing)', async () => {
    const weights = seededWeights(e);
    const none = new Comparison(comparisonConfig(e), weights.policy, null, STACKED);
    await trainFor(none, 3);
    for (const data of weights.reference.tensors.values()) data.fill(NaN);
    const given = createComparison(e, weights, STACKED);
    await trainFor(given, 3);
    none.logs.forEach((log, r) => expect(log.metrics).toEqual(given.logs[r]!.metrics));
    // Its h is then the policy's own margin: log pi(c) - log pi(r), per token.
    expect(none.logs[0]!.metrics['h/0']!.every(Number.isFinite)).toBe(true);
    // A live switch to a loss that reads the reference is refused with the reason (the page restarts instead).
    const dpo = applyRunPatch(none.config.runs[0]!, { loss: 'dpo' });
    expect(() => none.updateRun(0, dpo.run!)).toThrow(/run 1: DPO needs the reference model, which this comparison does not score/);
    const kto = applyRunPatch(given.config.runs[0]!, { loss: 'kto' });
    expect(() => given.updateRun(0, kto.run!)).toThrow(/KTO needs the mismatched pairs/);
    none.dispose();
    given.dispose();
  });

  it('a run that reads the reference refuses to start without one', () => {
    const d = parseExperiment(spec({ runs: [{ loss: 'simpo', beta: 2, lr: 0.05 }, { loss: 'dpo', beta: 0.1, lr: 0.1 }] }));
    expect(() => new Comparison(comparisonConfig(d), seededWeights(d).policy, null, STACKED)).toThrow(/DPO needs a reference model/);
  });
});

describe('the GPO families (Tang et al. 2024)', () => {
  it('map the lab\'s losses: DPO is logistic, hinge is SLiC\'s, IPO is the square; the others have none', () => {
    expect(Object.fromEntries((['dpo', 'hinge', 'ipo', 'ipo_mean', 'cdpo', 'kto', 'cpo', 'simpo'] as const).map((l) => [l, gpoFamilyOf(l)]))).toEqual({
      dpo: 'logistic', hinge: 'hinge', ipo: 'square', ipo_mean: 'square', cdpo: null, kto: null, cpo: null, simpo: null,
    });
  });

  it('f matches the lab\'s losses at x = beta h (IPO up to its 1/beta^2), with hand-computed values', () => {
    expectAllClose([GPO.logistic.f(0), GPO.logistic.f(2), GPO.logistic.f(-40), GPO.hinge.f(0.25), GPO.square.f(2)], [Math.LN2, Math.log(1 + Math.exp(-2)), 40, 0.75, 2.25], { rel: 1e-12 });
    expectAllClose([GPO.logistic.weight(0), GPO.hinge.weight(3), GPO.square.weight(0.5), GPO.square.weight(2)], [0.5, 0, 0, -3], { rel: 1e-12, abs: 1e-15 });
    const hs = [-3, -0.4, 0.3, 1.7, 6];
    for (const beta of [0.1, 0.5, 2]) {
      const z = tf.zeros([hs.length]);
      const at = (loss: LossId) => tf.tidy(() => LOSSES[loss].fn({ pc: tf.tensor1d(hs), pr: z, rc: z, rr: z, beta, params: DEFAULT_LOSS_PARAMS }).losses.arraySync() as number[]);
      expectAllClose(at('dpo'), hs.map((h) => GPO.logistic.f(beta * h)), { rel: 1e-5, abs: 1e-6 }, `DPO beta ${beta}`);
      expectAllClose(at('hinge'), hs.map((h) => GPO.hinge.f(beta * h)), { rel: 1e-5, abs: 1e-6 }, `hinge beta ${beta}`);
      expectAllClose(at('ipo'), hs.map((h) => GPO.square.f(beta * h) / beta ** 2), { rel: 1e-5 }, `IPO beta ${beta}`);
    }
  });

  it('the weight is -f\' (central differences), and only DPO\'s never reaches 0 while IPO\'s changes sign at 1/2', () => {
    for (const g of GPO_FAMILIES) {
      for (const x of [-4, -1.3, 0.2, 0.7, 2.2, 9]) {
        const d = 1e-6;
        expect(Math.abs(GPO[g].weight(x) + (GPO[g].f(x + d) - GPO[g].f(x - d)) / (2 * d)), `${g} at ${x}`).toBeLessThan(1e-6);
      }
    }
    for (const x of [1, 5, 20, 30]) expect(GPO.logistic.weight(x)).toBeGreaterThan(0);
    expect(Math.sign(GPO.square.weight(0.4))).toBe(1);
    expect(Math.sign(GPO.square.weight(0.6))).toBe(-1);
  });
});
