import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS, type LlamaConfig } from '../../src/model/config';
import { buildForwardConstants, causalBatch, logitsAll, packWeights, unpackWeights } from '../../src/model/llama';
import { initParams, paramCount, paramSpecs, POLICY_STREAM, REFERENCE_STREAM, type ParamSet } from '../../src/model/params';
import { PER_RUN_MATRICES, STACKED, type WeightLayout } from '../../src/model/weightLayout';
import { referenceLogits } from './helpers/reference-llama';

/** Small enough for float64 loops, with 2 heads and 2 layers like the real presets. */
const SMALL: LlamaConfig = { ...MODEL_PRESETS.tiny, vocabSize: 11, hiddenSize: 16, intermediateSize: 24, numHeads: 2 };

/** Weights bigger than the N(0, 0.02) init, so that every block visibly matters. */
function randomParams(c: LlamaConfig, seed: number): ParamSet {
  const p = initParams({ ...c, initStd: 0.3 }, seed, POLICY_STREAM);
  // Norm weights away from 1 so a missing norm weight would show.
  for (const [name, data] of p.tensors) if (name.includes('norm')) data.forEach((_, i) => (data[i] = 0.5 + ((i * 7) % 10) / 10));
  return { ...p, config: c };
}

function logitsOf(p: ParamSet, sequences: number[][], layout: WeightLayout = STACKED): number[][][] {
  return tf.tidy(() => {
    const k = buildForwardConstants(p.config, causalBatch(sequences));
    const w = packWeights([p], layout);
    const out = logitsAll(w, k, p.config).arraySync() as number[][][];
    k.dispose();
    const T = sequences[0]!.length;
    return sequences.map((_, b) => out[0]!.slice(b * T, (b + 1) * T));
  });
}

describe('Llama parameters', () => {
  it('has the notebook model\'s 1,328,384 parameters under HF names and layouts', () => {
    expect(paramCount(MODEL_PRESETS.notebook)).toBe(1_328_384);
    const specs = new Map(paramSpecs(MODEL_PRESETS.notebook).map((s) => [s.name, s.shape]));
    expect(specs.get('model.embed_tokens.weight')).toEqual([32, 256]);
    expect(specs.get('model.layers.1.mlp.down_proj.weight')).toEqual([256, 512]);
    expect(specs.get('model.layers.0.mlp.gate_proj.weight')).toEqual([512, 256]);
    expect(specs.get('lm_head.weight')).toEqual([32, 256]);
    expect(specs.size).toBe(2 + 9 * 2 + 1);
    expect(paramCount(MODEL_PRESETS.tiny)).toBeLessThan(paramCount(MODEL_PRESETS.notebook) / 50);
  });

  it('initialises N(0, 0.02) weights and unit norms, deterministically per seed and stream', () => {
    const a = initParams(MODEL_PRESETS.notebook, 42, POLICY_STREAM);
    const b = initParams(MODEL_PRESETS.notebook, 42, POLICY_STREAM);
    const ref = initParams(MODEL_PRESETS.notebook, 42, REFERENCE_STREAM);
    const other = initParams(MODEL_PRESETS.notebook, 43, POLICY_STREAM);
    const q = a.tensors.get('model.layers.0.self_attn.q_proj.weight')!;
    expect(b.tensors.get('model.layers.0.self_attn.q_proj.weight')).toEqual(q);
    expect(ref.tensors.get('model.layers.0.self_attn.q_proj.weight')).not.toEqual(q);
    expect(other.tensors.get('model.layers.0.self_attn.q_proj.weight')).not.toEqual(q);
    const mean = q.reduce((s, v) => s + v, 0) / q.length;
    const std = Math.sqrt(q.reduce((s, v) => s + (v - mean) ** 2, 0) / q.length);
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(std).toBeGreaterThan(0.0195);
    expect(std).toBeLessThan(0.0205);
    expect([...a.tensors.get('model.norm.weight')!].every((v) => v === 1)).toBe(true);
    // seed 0 is a seed like any other (tfjs would treat it as "unseeded")
    expect(initParams(SMALL, 0, 0).tensors.get('lm_head.weight')).toEqual(initParams(SMALL, 0, 0).tensors.get('lm_head.weight'));
  });

  it('packs into fused internal tensors and unpacks back exactly', async () => {
    const p = randomParams(SMALL, 3);
    const w = packWeights([p, p], STACKED);
    expect((w.layers[0]!.qkv as tf.Tensor).shape).toEqual([2, 3 * 16, 16]);
    expect((w.layers[0]!.gateUp as tf.Tensor).shape).toEqual([2, 2 * 24, 16]);
    const [back] = await unpackWeights(w, SMALL);
    for (const [name, data] of p.tensors) expect(back!.tensors.get(name), name).toEqual(data);
    tf.dispose(w.list);
    // The per-run layout: a matrix and its transposed twin per run; unpacking ignores the twins.
    const q = packWeights([randomParams(SMALL, 4), p], PER_RUN_MATRICES);
    const qkv = q.layers[0]!.qkv as { w: tf.Tensor[]; wt: tf.Tensor[] };
    expect(qkv.w.map((t) => t.shape)).toEqual([[1, 48, 16], [1, 48, 16]]);
    expect(qkv.wt.map((t) => t.shape)).toEqual([[1, 16, 48], [1, 16, 48]]);
    const [, again] = await unpackWeights(q, SMALL);
    for (const [name, data] of p.tensors) expect(again!.tensors.get(name), name).toEqual(data);
    tf.dispose(q.list);
  });
});

describe('Llama forward', () => {
  it('matches a naive float64 implementation of HF LlamaForCausalLM', () => {
    const p = randomParams(SMALL, 7);
    const seqs = [[1, 4, 9, 2, 7, 3], [10, 0, 5, 5, 6, 8]];
    for (const layout of [STACKED, PER_RUN_MATRICES]) {
      const got = logitsOf(p, seqs, layout);
      seqs.forEach((s, b) => {
        const want = referenceLogits(p, s);
        want.forEach((row, t) => row.forEach((v, j) => expect(got[b]![t]![j]).toBeCloseTo(v, 4)));
      });
    }
  });

  it('has output shape [G, B*T, V]', () => {
    const p = randomParams(SMALL, 1);
    tf.tidy(() => {
      const k = buildForwardConstants(SMALL, causalBatch([[1, 2, 3], [4, 5, 6]]));
      expect(logitsAll(packWeights([p, p, p], STACKED), k, SMALL).shape).toEqual([3, 6, SMALL.vocabSize]);
      k.dispose();
    });
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const p = randomParams(SMALL, 2);
    const [a, b] = logitsOf(p, [[1, 2, 3, 4, 5, 6], [1, 2, 3, 9, 5, 6]]);
    for (let t = 0; t < 3; t++) expect(b![t]).toEqual(a![t]);
    for (let t = 3; t < 6; t++) expect(b![t]).not.toEqual(a![t]);
  });

  it('runs G stacked models exactly as G separate ones', () => {
    const p1 = randomParams(SMALL, 11);
    const p2 = randomParams(SMALL, 12);
    const seq = [[3, 1, 4, 1, 5]];
    const stacked = tf.tidy(() => {
      const k = buildForwardConstants(SMALL, causalBatch(seq));
      const out = logitsAll(packWeights([p1, p2], STACKED), k, SMALL).arraySync() as number[][][];
      k.dispose();
      return out;
    });
    const one = logitsOf(p1, seq)[0]!;
    const two = logitsOf(p2, seq)[0]!;
    one.forEach((row, t) => row.forEach((v, j) => expect(stacked[0]![t]![j]).toBeCloseTo(v, 5)));
    two.forEach((row, t) => row.forEach((v, j) => expect(stacked[1]![t]![j]).toBeCloseTo(v, 5)));
  });
});
