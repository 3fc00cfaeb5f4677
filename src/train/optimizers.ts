/**
 * SGD and Adam over stacked weights [G, ...] with one learning rate per run,
 * matching torch.optim.SGD (no momentum, no weight decay) and torch.optim.Adam.
 *
 * No select on the weights: on tfjs-wasm a where() over a weight tensor costs
 * more than the matmuls that produced its gradient. Runs are independent
 * slices, so a run that diverges turns only its own slice non-finite; the
 * trainer notices it in the metrics and stops recording (and stepping) it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../model/layers';

export { OPTIMIZER_IDS, type OptimizerId } from './catalog';

/** PyTorch's Adam defaults. eps is always passed explicitly: tfjs WebGL would default it to 1e-4 (SPEC 6). */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Per-run column tensor [G, 1, 1] that broadcasts over any [G, a, b] weight. */
export function perRun(values: number[]): Tensor {
  return tf.tensor3d(values, [values.length, 1, 1]);
}

/**
 * w <- w - lr * g. The trainer differentiates sum_r lr_r * L_r for SGD groups,
 * so `scaledGrads` already hold lr * g and the update is one subtraction.
 */
export function sgdStep(weights: Tensor[], scaledGrads: Tensor[]): Tensor[] {
  return weights.map((w, i) => tf.sub(w, scaledGrads[i]!));
}

/**
 * torch.optim.Adam at step t (1-based, per run):
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * rewritten with stepSize = lr sqrt(1 - b2^t) / (1 - b1^t) and
 * epsHat = eps sqrt(1 - b2^t) as w <- w - stepSize * m / (sqrt(v) + epsHat).
 */
export function adamStep(
  weights: Tensor[], grads: Tensor[], m: Tensor[], v: Tensor[], lr: number[], t: number[],
): { weights: Tensor[]; m: Tensor[]; v: Tensor[] } {
  const bc1 = t.map((s) => 1 - ADAM.beta1 ** s);
  const bc2 = t.map((s) => 1 - ADAM.beta2 ** s);
  const stepSize = perRun(lr.map((l, i) => (l * Math.sqrt(bc2[i]!)) / bc1[i]!));
  const epsHat = perRun(bc2.map((b) => ADAM.eps * Math.sqrt(b)));
  const out = { weights: [] as Tensor[], m: [] as Tensor[], v: [] as Tensor[] };
  weights.forEach((w, i) => {
    const g = grads[i]!;
    const m1 = tf.add(tf.mul(ADAM.beta1, m[i]!), tf.mul(1 - ADAM.beta1, g));
    const v1 = tf.add(tf.mul(ADAM.beta2, v[i]!), tf.mul(1 - ADAM.beta2, tf.square(g)));
    out.weights.push(tf.sub(w, tf.mul(stepSize, tf.div(m1, tf.add(tf.sqrt(v1), epsHat)))));
    out.m.push(m1);
    out.v.push(v1);
  });
  return out;
}
