/**
 * LoRA and DoRA in the forward pass, on activations as PEFT computes them:
 * the frozen projection runs through the weight layout as for a full model,
 * and each adapted part adds s (x A^T) B^T; DoRA then scales the part's rows
 * by m / ||W0 + s B A||. LoRA never materialises W0 + s B A (the merged
 * matrix is adapters.ts's): its extra cost is products of width r. DoRA forms
 * it once a step for its norm, outside the gradient tape.
 *
 * A group's adapters are one flat list in adapterSpecs order, each tensor
 * stacked over the group's runs [G, ...] (weightLayout.ts adapterSlots).
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from './config';
import type { Tensor } from './layers';
import { adaptedModules, adapterSpecs, TARGET_PART, type AdapterShape } from './adapters';

/** One adapted part of a (fused) linear. */
export interface PartAdapter {
  a: Tensor; // [G, r, in]
  b: Tensor; // [G, out, r]
  scale: Tensor; // [G, 1, 1]: alpha / r per run
  /** DoRA: m / ||W0 + s B A||_row, [G, 1, out]; null for LoRA. */
  magnitudeScale: Tensor | null;
}

/** The adapters of one internal linear: one entry per fused part (q, k, v of qkv), null where not adapted. */
export type LinearAdapter = (PartAdapter | null)[];

export interface LayerAdapters {
  qkv?: LinearAdapter;
  o?: LinearAdapter;
  gateUp?: LinearAdapter;
  down?: LinearAdapter;
}

/** The parts of a (fused) linear's output y = x W^T (q, k, v of qkv), each [G, M, out], plus the adapters' paths on x [G, M, in]. */
export function addAdapters(parts: Tensor[], x: Tensor, adapter: LinearAdapter | undefined): Tensor[] {
  if (!adapter) return parts;
  return parts.map((yk, k) => {
    const p = adapter[k];
    if (!p) return yk;
    const lowRank = tf.matMul(tf.matMul(x, p.a, false, true), p.b, false, true); // [G, M, out]: (x A^T) B^T
    const sum = tf.add(yk, tf.mul(lowRank, p.scale));
    // DoRA: PEFT computes (scale - 1) base + scale s lora, added to base; with no dropout that is this product.
    return p.magnitudeScale ? tf.mul(sum, p.magnitudeScale) : sum;
  });
}

/**
 * DoRA's weight norm ||W0 + s B A|| over the input dimension, one per output
 * row, [G, 1, out] (PEFT get_weight_norm: torch.linalg.norm(weight, dim=1)
 * on the [out, in] weight). w0 [1, out, in], a [G, r, in], b [G, out, r].
 */
export function rowNorms(w0: Tensor, a: Tensor, b: Tensor, scale: Tensor): Tensor {
  return tf.tidy(() => {
    const v = tf.add(w0, tf.mul(tf.matMul(b, a), scale)); // [G, out, in]
    return tf.expandDims(tf.sqrt(tf.sum(tf.square(v), -1)), 1);
  });
}

/**
 * DoRA's norm for every adapted matrix of a group, from its current adapters.
 * Call it OUTSIDE the gradient tape: the paper (section 4.3) treats
 * ||W0 + s B A|| as a constant in the backward pass, and PEFT detaches it;
 * we follow PEFT, so gradients reach A and B only through the low-rank path
 * and m only through m itself. `bases` holds each adapted W0 [1, out, in].
 */
export function doraNorms(shape: AdapterShape, list: Tensor[], bases: Tensor[], scale: Tensor): Tensor[] {
  const per = shape.kind === 'dora' ? 3 : 2;
  return bases.map((w0, k) => rowNorms(w0, list[k * per]!, list[k * per + 1]!, scale));
}

/**
 * The forward's adapters, per layer, from a group's flat list (adapterSpecs
 * order). For DoRA, `norms` are doraNorms of the same adapters.
 */
export function layerAdapters(c: LlamaConfig, shape: AdapterShape, list: Tensor[], scale: Tensor, norms: Tensor[] | null): LayerAdapters[] {
  const specs = adapterSpecs(c, shape);
  if (specs.length !== list.length) throw new Error(`${shape.kind} adapters of rank ${shape.rank} on ${shape.targets.join(', ')} have ${specs.length} tensors, got ${list.length}`);
  const layers: LayerAdapters[] = Array.from({ length: c.numLayers }, () => ({}));
  const per = shape.kind === 'dora' ? 3 : 2;
  adaptedModules(c, shape.targets).forEach((m, k) => {
    const { linear, part, parts } = TARGET_PART[m.target];
    const slot = (layers[m.layer]![linear] ??= Array.from({ length: parts }, () => null));
    const magnitudeScale = shape.kind === 'dora' ? tf.div(list[k * per + 2]!, norms![k]!) : null;
    slot[part] = { a: list[k * per]!, b: list[k * per + 1]!, scale, magnitudeScale };
  });
  return layers;
}
