/**
 * Token log-probs of the answer tokens of packed preference pairs, under
 * either scoring mode (SPEC 1): `next-token` (logits at t-1 score token t) or
 * `same-position` (the notebook's get_probs: log_softmax(logits)[t, token_t]).
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../model/config';
import type { Tensor } from '../model/layers';
import { buildForwardConstants, decoderHidden, logProbsAt, type ForwardConstants, type LlamaWeights } from '../model/llama';
import type { PackedPairs } from './packing';

/** Constant tensors for scoring one data set; built once per comparison. */
export interface ScoringConstants {
  forward: ForwardConstants;
  select: Tensor; // [1, E, B*T] one-hot row selector
  target: Tensor; // [E, V] one-hot target token (all-zero row for padding entries)
  dispose: () => void;
}

export function buildScoringConstants(c: LlamaConfig, packed: PackedPairs): ScoringConstants {
  const E = packed.selectRow.length;
  const rows = packed.batch.tokens.length * packed.T;
  const select = new Float32Array(E * rows);
  const target = new Float32Array(E * c.vocabSize);
  const valid = [...packed.validChosen, ...packed.validRejected, ...packed.validKlChosen, ...packed.validKlRejected];
  for (let e = 0; e < E; e++) {
    select[e * rows + packed.selectRow[e]!] = 1;
    if (valid[e]) target[e * c.vocabSize + packed.target[e]!] = 1;
  }
  const forward = buildForwardConstants(c, packed.batch);
  const out = { forward, select: tf.tensor3d(select, [1, E, rows]), target: tf.tensor2d(target, [E, c.vocabSize]) };
  return { ...out, dispose: () => { forward.dispose(); tf.dispose([out.select, out.target]); } };
}

/**
 * log pi(token) of every scored entry, [G, E], and the full log-distribution
 * at those rows, [G, E, V] (for the squeeze view). Padding entries are 0.
 */
export function tokenLogProbs(
  w: LlamaWeights, k: ScoringConstants, c: LlamaConfig,
): { tokenLogp: Tensor; logDist: Tensor } {
  const logDist = logProbsAt(w, decoderHidden(w, k.forward, c), k.select, c); // [G, E, V]
  const tokenLogp = tf.sum(tf.mul(logDist, k.target), -1); // [G, E]
  return { tokenLogp, logDist };
}
