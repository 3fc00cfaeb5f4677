/**
 * LlamaForCausalLM forward pass in tfjs for G models at once (HF semantics:
 * pre-norm decoder layers, RMSNorm, rotate-half RoPE, causal multi-head
 * attention, SwiGLU MLP, untied lm_head, no biases).
 *
 * Inputs are "packed rows": any set of token rows with their own RoPE
 * positions and an explicit attention pattern. A plain causal batch is one
 * case; a preference pair packed as [prompt, chosen, rejected] with the two
 * answers each attending to the shared prompt is another (see train/packing).
 */
import * as tf from '@tensorflow/tfjs';
import { headDim, type LlamaConfig } from './config';
import { makeRotary, rmsNorm, swiGlu, type Rotary, type Tensor } from './layers';
import { addAdapters, type LayerAdapters } from './lora';
import type { LinearWeight, LlamaWeights } from './stacked';

export { flattenWeights, packWeights, unflattenWeights, unpackWeights, type LlamaWeights } from './stacked';

/** One batch of packed token rows: B sequences of T rows each. */
export interface RowBatch {
  tokens: number[][]; // [B][T]
  positions: number[][]; // [B][T] RoPE position of each row
  /** attends[b][i][j]: row i may attend to row j; every row must attend to itself. */
  attends: (b: number, i: number, j: number) => boolean;
}

/** Plain causal batch: positions 0..T-1, row i attends to rows j <= i. Sequences must share one length. */
export function causalBatch(tokens: number[][]): RowBatch {
  const T = tokens[0]!.length;
  if (tokens.some((t) => t.length !== T)) throw new Error('causalBatch: sequences must have equal length');
  return { tokens, positions: tokens.map(() => Array.from({ length: T }, (_, i) => i)), attends: (_b, i, j) => j <= i };
}

/** Constant tensors a forward pass needs for one RowBatch; built once, reused every step. */
export interface ForwardConstants {
  B: number;
  T: number;
  oneHot: Tensor; // [1, B*T, V] input tokens
  mask: Tensor; // [1, B, 1, T, T] additive: 0 where attended, -1e9 elsewhere
  cosQ: Tensor; // [B*T, 1, hd] (q tables carry the 1/sqrt(hd) score scale)
  sinQ: Tensor;
  cosK: Tensor;
  sinK: Tensor;
  rotary: Rotary;
  dispose: () => void;
}

export function buildForwardConstants(c: LlamaConfig, batch: RowBatch): ForwardConstants {
  const B = batch.tokens.length;
  const T = batch.tokens[0]!.length;
  const hd = headDim(c);
  const oneHot = new Float32Array(B * T * c.vocabSize);
  const mask = new Float32Array(B * T * T).fill(-1e9);
  const cos = new Float32Array(B * T * hd);
  const sin = new Float32Array(B * T * hd);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      const row = b * T + i;
      const tok = batch.tokens[b]![i]!;
      if (!Number.isInteger(tok) || tok < 0 || tok >= c.vocabSize) throw new Error(`token ${tok} is outside the vocabulary 0..${c.vocabSize - 1}`);
      oneHot[row * c.vocabSize + tok] = 1;
      if (!batch.attends(b, i, i)) throw new Error('every row must attend to itself');
      for (let j = 0; j < T; j++) if (batch.attends(b, i, j)) mask[row * T + j] = 0;
      // HF LlamaRotaryEmbedding: inv_freq_k = theta^(-2k/hd); emb = cat(freqs, freqs).
      const pos = batch.positions[b]![i]!;
      for (let k = 0; k < hd / 2; k++) {
        const angle = pos * Math.pow(c.ropeTheta, (-2 * k) / hd);
        cos[row * hd + k] = cos[row * hd + k + hd / 2] = Math.cos(angle);
        sin[row * hd + k] = sin[row * hd + k + hd / 2] = Math.sin(angle);
      }
    }
  }
  const scale = 1 / Math.sqrt(hd);
  const rotary = makeRotary(hd);
  const cosK = tf.tensor3d(cos, [B * T, 1, hd]);
  const sinK = tf.tensor3d(sin, [B * T, 1, hd]);
  const out = {
    B, T, rotary,
    oneHot: tf.tensor3d(oneHot, [1, B * T, c.vocabSize]),
    mask: tf.tensor(mask, [1, B, 1, T, T]),
    cosQ: tf.mul(cosK, scale), sinQ: tf.mul(sinK, scale), cosK, sinK,
  };
  return { ...out, dispose: () => tf.dispose([out.oneHot, out.mask, out.cosQ, out.sinQ, cosK, sinK, ...rotary.constants]) };
}

/**
 * A linear of the model through its layout, split into its fused parts (q, k, v; gate, up), each
 * with its adapter's path added if the layer has one (lora.ts): the split the model needs anyway.
 */
type Linear = (x: Tensor, which: keyof LayerAdapters) => Tensor[];

const PARTS: Record<keyof LayerAdapters, number> = { qkv: 3, o: 1, gateUp: 2, down: 1 };

function linearsOf(w: LlamaWeights, layer: number): Linear {
  const l = w.layers[layer]!;
  const weights: Record<keyof LayerAdapters, LinearWeight> = { qkv: l.qkv, o: l.o, gateUp: l.gateUp, down: l.down };
  return (x, which) => {
    const y = w.layout.linear(x, weights[which], w.frozen);
    return addAdapters(PARTS[which] > 1 ? tf.split(y, PARTS[which], -1) : [y], x, w.adapters?.[layer]?.[which]);
  };
}

/** Causal multi-head self-attention over packed rows; x [G, B*T, D]. */
function selfAttention(x: Tensor, linear: Linear, k: ForwardConstants, c: LlamaConfig): Tensor {
  const G = x.shape[0]!;
  const H = c.numHeads;
  const hd = headDim(c);
  const { B, T } = k;
  const [q, kk, v] = linear(x, 'qkv') as [Tensor, Tensor, Tensor]; // [G, BT, D] each
  const toHeads = (t: Tensor) => tf.transpose(tf.reshape(t, [G * B, T, H, hd]), [0, 2, 1, 3]); // [G*B, H, T, hd]
  const qh = toHeads(k.rotary.apply(tf.reshape(q, [G, B * T, H, hd]), k.cosQ, k.sinQ));
  const kh = toHeads(k.rotary.apply(tf.reshape(kk, [G, B * T, H, hd]), k.cosK, k.sinK));
  const vh = toHeads(v);
  const scores = tf.add(tf.reshape(tf.matMul(qh, kh, false, true), [G, B, H, T, T]), k.mask); // q.k/sqrt(hd) + mask
  const probs = tf.reshape(tf.softmax(scores), [G * B, H, T, T]);
  const ctx = tf.reshape(tf.transpose(tf.matMul(probs, vh), [0, 2, 1, 3]), [G, B * T, c.hiddenSize]); // [G, BT, D]
  return linear(ctx, 'o')[0]!;
}

/** Final hidden states before the last norm: [G, B*T, D]. */
export function decoderHidden(w: LlamaWeights, k: ForwardConstants, c: LlamaConfig): Tensor {
  let h: Tensor = w.layout.embed(k.oneHot, w.embed, w.G); // [G, BT, D]
  w.layers.forEach((l, i) => {
    const linear = linearsOf(w, i);
    h = tf.add(h, selfAttention(rmsNorm(h, l.inputNorm, c.rmsNormEps), linear, k, c));
    h = tf.add(h, swiGlu(rmsNorm(h, l.postNorm, c.rmsNormEps), (x) => linear(x, 'gateUp'), (x) => linear(x, 'down')[0]!));
  });
  return h;
}

/**
 * Log-softmax over the vocabulary at selected rows: `select` [1, N, B*T] is a
 * one-hot row selector (a matmul, since gather has no WASM gradient). Final
 * RMSNorm is per row, so selecting first is exact and cheaper. -> [G, N, V]
 */
export function logProbsAt(w: LlamaWeights, hidden: Tensor, select: Tensor, c: LlamaConfig): Tensor {
  const G = hidden.shape[0]!;
  const picked = G === 1 ? tf.expandDims(tf.matMul(tf.squeeze(select, [0]), tf.squeeze(hidden, [0])), 0) : tf.matMul(select, hidden); // [G, N, D]
  const logits = w.layout.linear(rmsNorm(picked, w.norm, c.rmsNormEps), w.lmHead, w.frozen); // [G, N, V]
  return tf.logSoftmax(logits);
}

/** Full logits at every row (for tests and inspection): [G, B*T, V]. */
export function logitsAll(w: LlamaWeights, k: ForwardConstants, c: LlamaConfig): Tensor {
  return w.layout.linear(rmsNorm(decoderHidden(w, k, c), w.norm, c.rmsNormEps), w.lmHead, w.frozen);
}
