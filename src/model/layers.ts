/**
 * The Llama building blocks in tfjs, over a leading "run" dimension G: every
 * weight is [G, ...] and every activation [G, rows, features], so that G
 * independent models (the runs of a comparison) step in one graph.
 *
 * Shapes use: G runs, M rows (tokens of all sequences), D hidden, I inner.
 */
import * as tf from '@tensorflow/tfjs';

export type Tensor = tf.Tensor;

/** tf.customGrad with the signature it really has: tensor arguments, then the save function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function customGrad<F extends (...args: any[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.Tensor[] }>(
  f: F,
): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (...inputs: tf.Tensor[]) => tf.Tensor;
}

export interface LinearOptions {
  /**
   * tfjs-backend-wasm only runs matMul on XNNPACK when neither operand is
   * transposed and the batch is 1; otherwise it falls back to a naive loop
   * about 15x slower (batch_mat_mul_impl.cc). With G = 1 this option
   * computes every product of a linear layer, forward and backward, in that
   * fast form. Other backends do not need it.
   */
  xnn: boolean;
}

/**
 * y = x W^T for x [M, in], W [out, in] (HF layout), arranged so that the
 * WASM backend stays on XNNPACK: forward as (W x^T)^T, which packs only the
 * small x^T; backward dx = dy W and dW = dy^T x, both untransposed.
 */
const xnnLinear2d = customGrad((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  const value = tf.tidy(() => tf.transpose(tf.matMul(w, tf.transpose(x)))); // [M, out]
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const g = dy as tf.Tensor; // [M, out]
    const [xs, ws] = saved as [tf.Tensor, tf.Tensor];
    return [tf.matMul(g, ws), tf.matMul(tf.transpose(g), xs)]; // dx [M, in], dW [out, in]
  };
  return { value, gradFunc };
});

/** x [G, M, in], w [G, out, in] -> [G, M, out]. */
export function linear(x: Tensor, w: Tensor, opts: LinearOptions): Tensor {
  const [G, M] = x.shape as [number, number, number];
  if (opts.xnn && G === 1) {
    const y = xnnLinear2d(tf.reshape(x, x.shape.slice(1)), tf.reshape(w, w.shape.slice(1)));
    return tf.reshape(y, [1, M, w.shape[1]!]);
  }
  return tf.matMul(x, w, false, true);
}

/** HF LlamaRMSNorm: x * rsqrt(mean(x^2) + eps) * w; x [G, M, D], w [G, 1, D]. */
export function rmsNorm(x: Tensor, w: Tensor, eps: number): Tensor {
  const meanSquare = tf.mean(tf.square(x), -1, true); // [G, M, 1]
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), w);
}

/**
 * rotate_half(x) = cat(-x2, x1) over the last axis, as x @ R with a constant
 * R. R is antisymmetric (R^T = -R), so the gradient is dy @ R^T = dy @ (-R):
 * both products are untransposed (fast on every backend).
 */
export function makeRotateHalf(headDim: number): { rotate: (x: Tensor) => Tensor; constants: Tensor[] } {
  const half = headDim / 2;
  const r = new Float32Array(headDim * headDim);
  for (let i = 0; i < half; i++) {
    r[(i + half) * headDim + i] = -1; // out[i] = -x[i + half]
    r[i * headDim + i + half] = 1; // out[i + half] = x[i]
  }
  const R = tf.tensor2d(r, [headDim, headDim]);
  const negR = tf.neg(R);
  const rotate2d = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return { value: tf.matMul(x, R), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.matMul(dy as tf.Tensor, negR)] };
  });
  const rotate = (x: Tensor) => tf.reshape(rotate2d(tf.reshape(x, [-1, headDim])), x.shape);
  return { rotate, constants: [R, negR] };
}

/**
 * Rotary embedding, HF convention: x * cos + rotate_half(x) * sin.
 * x [G, M, H, hd]; cos, sin [M, 1, hd] (already gathered per row position).
 */
export function applyRotary(x: Tensor, cos: Tensor, sin: Tensor, rotate: (x: Tensor) => Tensor): Tensor {
  return tf.add(tf.mul(x, cos), tf.mul(rotate(x), sin));
}

/** SwiGLU MLP: down(silu(gate x) * up x), gate and up fused into one [2I, D] weight. */
export function swiGlu(x: Tensor, gateUp: Tensor, down: Tensor, opts: LinearOptions): Tensor {
  const [gate, up] = tf.split(linear(x, gateUp, opts), 2, -1) as [Tensor, Tensor]; // [G, M, I] each
  const silu = tf.mul(gate, tf.sigmoid(gate));
  return linear(tf.mul(silu, up), down, opts); // [G, M, D]
}
