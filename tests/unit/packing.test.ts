import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS, type LlamaConfig } from '../../src/model/config';
import { packWeights } from '../../src/model/llama';
import { STACKED } from '../../src/model/weightLayout';
import { initParams, type ParamSet } from '../../src/model/params';
import { NOTEBOOK_PAIR, validateData, type PreferencePair, type ScoringMode } from '../../src/train/data';
import { buildScoringConstants, tokenLogProbs } from '../../src/train/logprobs';
import { NOTEBOOK_FORWARD, packPairs, STANDARD_FORWARD } from '../../src/train/packing';
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

describe('the notebook forward (SPEC 1b): answer-only attention and the x_rejected quirk', () => {
  const pairs: PreferencePair[] = [NOTEBOOK_PAIR, { prompt: [1, 2], chosen: [3, 4, 5], rejected: [6, 7] }];

  it('defaults to the standard forward (STANDARD_FORWARD), unchanged', () => {
    for (const scoring of ['same-position', 'next-token'] as const) {
      const a = packPairs(pairs, scoring);
      const b = packPairs(pairs, scoring, STANDARD_FORWARD);
      const { batch: ba, ...ra } = a;
      const { batch: bb, ...rb } = b;
      expect(rb).toEqual(ra);
      expect(bb.tokens).toEqual(ba.tokens);
      expect(bb.positions).toEqual(ba.positions);
      for (let i = 0; i < a.T; i++) for (let j = 0; j < a.T; j++) expect(bb.attends(0, i, j)).toBe(ba.attends(0, i, j));
    }
  });

  it('packs only prompt + chosen; answer rows see their own answer, prompt rows themselves', () => {
    const packed = packPairs([NOTEBOOK_PAIR], 'same-position', NOTEBOOK_FORWARD);
    expect(packed.T).toBe(10); // the chosen sequence alone: the rejected one is never run
    expect(packed.batch.positions[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // RoPE positions unchanged
    const seen = (i: number) => Array.from({ length: 10 }, (_, j) => j).filter((j) => packed.batch.attends(0, i, j));
    expect(seen(8)).toEqual([6, 7, 8]);
    expect(seen(3)).toEqual([3]);
    // same-position: rejected entry k takes the chosen row 6 + k, and targets the rejected token
    expect([...packed.selectRow]).toEqual([6, 7, 8, 9, 6, 7, 8, 9]);
    expect([...packed.target]).toEqual([...NOTEBOOK_PAIR.chosen, ...NOTEBOOK_PAIR.rejected]);
  });

  const answerOnly = { attention: 'answer-only', rejectedInput: 'rejected' } as const;
  for (const options of [NOTEBOOK_FORWARD, answerOnly]) {
    for (const scoring of ['same-position', 'next-token'] as const) {
      it(`scores each answer alone at its own positions, the rejected one on ${options.rejectedInput} rows (${scoring})`, () => {
        const p = params(5);
        const packed = packPairs(pairs, scoring, options);
        const got = tf.tidy(() => {
          const k = buildScoringConstants(SMALL, packed);
          const out = tokenLogProbs(packWeights([p], STACKED), k, SMALL).tokenLogp.dataSync();
          k.dispose();
          return out;
        });
        pairs.forEach((pair, b) => {
          const Lp = pair.prompt.length;
          // What the notebook's attention_mask leaves: an answer as its own causal sequence.
          const alone = (answer: number[]) => referenceLogits(p, answer, answer.map((_, k) => Lp + k)).map(logSoftmax);
          const lastPrompt = logSoftmax(referenceLogits(p, [pair.prompt[Lp - 1]!], [Lp - 1])[0]!); // sees only itself
          const rowsOf = (answer: number[]) => {
            const lp = alone(answer);
            return (k: number) => (scoring === 'same-position' ? lp[k]! : k === 0 ? lastPrompt : lp[k - 1]!);
          };
          const chosenRow = rowsOf(pair.chosen);
          const rejectedRow = options.rejectedInput === 'chosen' ? chosenRow : rowsOf(pair.rejected);
          pair.chosen.forEach((tok, k) => expect(got[(0 * 2 + b) * packed.N + k]).toBeCloseTo(chosenRow(k)[tok]!, 4));
          pair.rejected.forEach((tok, k) => expect(got[(1 * 2 + b) * packed.N + k]).toBeCloseTo(rejectedRow(k)[tok]!, 4));
        });
      });
    }
  }

  it('needs a rejected answer no longer than the chosen one to score it on the chosen rows', () => {
    const long = { prompt: [1], chosen: [2], rejected: [3, 4] };
    expect(() => packPairs([NOTEBOOK_PAIR, long], 'same-position', NOTEBOOK_FORWARD)).toThrow(/pair 2: .*no longer than the chosen/);
    expect(() => packPairs([long], 'same-position', answerOnly)).not.toThrow();
  });
});
