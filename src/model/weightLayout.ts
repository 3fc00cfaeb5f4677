/**
 * How the weights of G runs stepping together sit on the device: the one seam
 * between the speed layouts and the rest of the code. A layout says which
 * tensors a group's flat weight list has (slots), and how a linear layer and
 * the embedding multiply with them; nothing else tells layouts apart.
 *
 * - STACKED: every weight is one tensor [G, ...]; a linear is one batched
 *   matMul. Fewest ops: best for small models and for GPU backends.
 * - PER_RUN_MATRICES: norms stay stacked, but the embedding and each linear
 *   matrix are kept per run [1, ...], with a transposed twin W^T that the
 *   optimizer keeps equal to the transpose of W. Every product is then a 2D,
 *   untransposed, batch-1 matMul, the only form tfjs-backend-wasm runs on
 *   XNNPACK (batch_mat_mul_impl.cc; the naive loop is ~15x slower), and no
 *   product takes a freshly updated weight as XNNPACK's repacked operand.
 *
 * LoRA / DoRA groups (model/lora.ts) keep the frozen base in the group's
 * layout, as a full model (constants: nothing updates them), and train only
 * the adapters: products of width r, small enough in either layout to stay
 * stacked [G, ...] (adapterSlots).
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from './config';
import { perRunLinear, type Tensor } from './layers';
import { entryKinds, type EmbedWeight, type LinearWeight, type PerRunLinear, type Slot } from './stacked';

export interface WeightLayout {
  readonly name: 'stacked' | 'per-run-matrices';
  /** The tensors of a group's flat list, in order (see stacked.ts for the internal weights). */
  slots(c: LlamaConfig, G: number): Slot[];
  /** y = x W^T for every run: x [G, M, in] -> [G, M, out]. `frozen`: W is a constant (no gradient is computed for it). */
  linear(x: Tensor, w: LinearWeight, frozen?: boolean): Tensor;
  /** Token embedding as oneHot @ E (tfjs-wasm has no gradient for gather, SPEC 6): oneHot [1, M, V] -> [G, M, D]. */
  embed(oneHot: Tensor, w: EmbedWeight, G: number): Tensor;
  /** The tensors of a group's adapter list (LoRA A, B, DoRA m), `count` of them. */
  adapterSlots(count: number): Slot[];
}

/** Adapters are stacked over the runs in every layout. */
const stackedAdapters = (count: number): Slot[] => Array.from({ length: count }, (_, entry) => ({ entry, run: null, twin: false }));

export const STACKED: WeightLayout = {
  name: 'stacked',
  slots: (c) => entryKinds(c).map((_, entry) => ({ entry, run: null, twin: false })),
  // Autodiff computes no gradient for a weight that is not differentiated: `frozen` needs nothing here.
  linear: (x, w) => tf.matMul(x, w as Tensor, false, true),
  embed: (oneHot, w, G) => {
    const e = w as Tensor; // [G, V, D]
    if (G > 1) return tf.matMul(oneHot, e);
    return tf.expandDims(tf.matMul(tf.squeeze(oneHot, [0]), tf.squeeze(e, [0])), 0); // 2D when it can be
  },
  adapterSlots: stackedAdapters,
};

export const PER_RUN_MATRICES: WeightLayout = {
  name: 'per-run-matrices',
  slots: (c, G) => {
    const runs = (entry: number, twin: boolean): Slot[] => Array.from({ length: G }, (_, run) => ({ entry, run, twin }));
    return entryKinds(c).flatMap((kind, entry): Slot[] => {
      if (kind === 'norm') return [{ entry, run: null, twin: false }];
      return kind === 'embed' ? runs(entry, false) : [...runs(entry, false), ...runs(entry, true)];
    });
  },
  linear: (x, w, frozen) => perRunLinear(x, (w as PerRunLinear).w, (w as PerRunLinear).wt, frozen),
  embed: (oneHot, w) => {
    const oneHot2d = tf.squeeze(oneHot, [0]); // [M, V]
    return tf.stack((w as Tensor[]).map((e) => tf.matMul(oneHot2d, tf.squeeze(e, [0])))); // per run: 2D, XNNPACK on WASM
  },
  adapterSlots: stackedAdapters,
};

export const WEIGHT_LAYOUTS = { stacked: STACKED, 'per-run-matrices': PER_RUN_MATRICES } as const;
