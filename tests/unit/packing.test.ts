import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS, type LlamaConfig } from '../../src/model/config';
import { packWeights } from '../../src/model/llama';
import { STACKED } from '../../src/model/weightLayout';
import { initParams, type ParamSet } from '../../src/model/params';
import { NOTEBOOK_PAIR, validateData, type PreferencePair, type ScoringMode } from '../../src/train/data';
import { buildScoringConstants, tokenLogProbs } from '../../src/train/logprobs';
import { packPairs } from '../../src/train/packing';
import { logSoftmax, referenceLogits } from './helpers/reference-llama';

const SMALL: LlamaConfig = { ...MODEL_PRESETS.tiny, hiddenSize: 16, intermediateSize: 24, initStd: 0.3 };

function params(seed: number): ParamSet {
  return initParams(SMALL, seed, 0);
}

/**
 * What the notebook computes: each answer scored inside its own causal
 * sequence prompt+answer, by the reference implementation.
 */
function separateSequenceLogps(p: ParamSet, pair: PreferencePair, scoring: ScoringMode): { chosen: number[]; rejected: number[] } {
  const score = (answer: number[]) => {
    const seq = [...pair.prompt, ...answer];
    const lp = referenceLogits(p, seq).map(logSoftmax);
    return answer.map((tok, k) => {
      const t = pair.prompt.length + k;
      return lp[scoring === 'same-position' ? t : t - 1]![tok]!;
    });
  };
  return { chosen: score(pair.chosen), rejected: score(pair.rejected) };
}

describe('packed preference pairs', () => {
  const pairs: PreferencePair[] = [
    NOTEBOOK_PAIR,
    { prompt: [1, 2], chosen: [3, 4, 5], rejected: [6, 7] },
  ];

  for (const scoring of ['same-position', 'next-token'] as const) {
    it(`score answers exactly as two separate causal sequences (${scoring})`, () => {
      const p = params(5);
      const packed = packPairs(pairs, scoring);
      expect(packed.T).toBe(14); // the notebook pair: 6 + 4 + 4 rows instead of 2 x 10
      const got = tf.tidy(() => {
        const k = buildScoringConstants(SMALL, packed);
        const out = tokenLogProbs(packWeights([p], STACKED), k, SMALL).tokenLogp.dataSync();
        k.dispose();
        return out;
      });
      pairs.forEach((pair, b) => {
        const want = separateSequenceLogps(p, pair, scoring);
        want.chosen.forEach((v, k) => expect(got[(0 * 2 + b) * packed.N + k]).toBeCloseTo(v, 4));
        want.rejected.forEach((v, k) => expect(got[(1 * 2 + b) * packed.N + k]).toBeCloseTo(v, 4));
      });
      // padding entries (pair 2's rejected answer has 2 tokens of N = 4) score 0
      expect(got[(1 * 2 + 1) * packed.N + 3]).toBe(0);
    });
  }

  it('marks valid and last answer tokens', () => {
    const packed = packPairs(pairs, 'next-token');
    expect([...packed.validRejected]).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect([...packed.lastChosen]).toEqual([0, 0, 0, 1, 0, 0, 1, 0]);
    expect([...packed.lastRejected]).toEqual([0, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('validates data with messages a user can act on', () => {
    expect(validateData([NOTEBOOK_PAIR], 32, 'token')).toEqual([]);
    expect(validateData([], 32, 'token')[0]).toMatch(/at least one/);
    expect(validateData([{ prompt: [1], chosen: [2, 40], rejected: [3, 4] }], 32, 'token')[0]).toMatch(/token 40 outside the vocabulary 0..31/);
    expect(validateData([{ prompt: [1], chosen: [2, 3], rejected: [3] }], 32, 'token')[0]).toMatch(/same length/);
    expect(validateData([{ prompt: [1], chosen: [2, 3], rejected: [3] }], 32, 'sequence')).toEqual([]);
    expect(validateData([{ prompt: [1], chosen: [2], rejected: [2] }], 32, 'sequence')[0]).toMatch(/identical/);
    expect(validateData([{ prompt: [], chosen: [2], rejected: [3] }], 32, 'sequence')[0]).toMatch(/prompt needs at least 1/);
  });
});
