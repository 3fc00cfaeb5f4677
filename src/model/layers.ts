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

/*
 * The custom linears below save only their activation input for the backward
 * pass. tfjs copies every saved tensor (the forward scope disposes the
 * originals); the weights need no copy: they are the step's inputs, alive
 * until it ends, so the backward pass reads them through the closure.
 */

/**
 * G linears at once with per-run weights (weightLayout.ts, PER_RUN_MATRICES): every product
 * is a 2D, untransposed, batch-1 matMul (XNNPACK on WASM), while the
 * activations around stay stacked so elementwise ops run once for all runs.
 *
 * XNNPACK repacks its second operand whenever that tensor is new, and the
 * weights are new after every update; so no product takes a weight second:
 * forward y^T = W x^T, backward dx^T = W^T dy^T with the twin W^T, dW = dy^T x.
 * The twin's gradient is dW^T = x^T dy, so the optimizer keeps W^T equal to
 * the transpose of W (same sums in the same order).
 * x [G, M, in], ws G x [1, out, in], wts G x [1, in, out] -> [G, M, out].
 */
export function perRunLinear(x: tf.Tensor, ws: tf.Tensor[], wts: tf.Tensor[], frozen = false): tf.Tensor {
  const flat = (t: tf.Tensor) => tf.reshape(t, t.shape.slice(1));
  if (frozen) return frozenPerRunLinear(x, ws, wts, flat);
  const f = customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const xi = args[0] as tf.Tensor;
    save([xi]);
    const value = tf.tidy(() => tf.stack(tf.unstack(xi).map((xr, r) => tf.transpose(tf.matMul(flat(ws[r]!), tf.transpose(xr)))))); // [G, M, out]
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const dys = tf.unstack(dy as tf.Tensor); // G x [M, out]
      const xr = tf.unstack(saved[0]!);
      const dx = tf.stack(dys.map((d, r) => tf.transpose(tf.matMul(flat(wts[r]!), tf.transpose(d))))); // [G, M, in]
      const dw = dys.map((d, r) => tf.expandDims(tf.matMul(tf.transpose(d), xr[r]!), 0)); // [1, out, in]
      const dwt = dys.map((d, r) => tf.expandDims(tf.matMul(tf.transpose(xr[r]!), d), 0)); // [1, in, out]
      return [dx, ...dw, ...dwt];
    };
    return { value, gradFunc };
  });
  return f(x, ...ws, ...wts);
}

/**
 * The same product with constant weights (the frozen base of LoRA / DoRA runs): the weights are
 * no inputs of the gradient, so the backward pass is dx alone, one product instead of three.
 */
function frozenPerRunLinear(x: tf.Tensor, ws: tf.Tensor[], wts: tf.Tensor[], flat: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  return customGrad((xi: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const value = tf.tidy(() => tf.stack(tf.unstack(xi).map((xr, r) => tf.transpose(tf.matMul(flat(ws[r]!), tf.transpose(xr))))));
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => [tf.stack(tf.unstack(dy as tf.Tensor).map((d, r) => tf.transpose(tf.matMul(flat(wts[r]!), tf.transpose(d)))))];
    return { value, gradFunc };
  })(x);
}

/**
 * HF LlamaRMSNorm: y = w * x * r with r = (mean(x^2) + eps)^(-1/2); x [G, M, D],
 * w [G, 1, D]. One op with its analytic gradient (a third of autodiff's kernels):
 *   dw = sum_rows(dy * x * r),  dx = r u - x r^3 mean(u x),  u = dy * w.
 */
export function rmsNorm(x: Tensor, w: Tensor, eps: number): Tensor {
  const inverseRms = (t: tf.Tensor) => tf.rsqrt(tf.add(tf.mean(tf.square(t), -1, true), eps)); // [G, M, 1]
  const f = customGrad((xi: tf.Tensor, wi: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xi]); // r is recomputed in the backward pass: cheaper than saving it
    const value = tf.tidy(() => tf.mul(tf.mul(xi, inverseRms(xi)), wi));
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const xs = saved[0]!;
      const rs = inverseRms(xs);
      const g = dy as tf.Tensor;
      const u = tf.mul(g, w);
      const dx = tf.sub(tf.mul(rs, u), tf.mul(tf.mul(xs, tf.pow(rs, 3)), tf.mean(tf.mul(u, xs), -1, true)));
      const dw = tf.sum(tf.mul(g, tf.mul(xs, rs)), 1, true); // [G, 1, D]
      return [dx, dw];
    };
    return { value, gradFunc };
  });
  return f(x, w);
}

/**
 * Rotary embedding, HF convention: y = x * cos + rotate_half(x) * sin, with
 * rotate_half(x) = cat(-x2, x1) over the last axis computed as x @ R for a
 * constant R. As one op: R is antisymmetric (R^T = -R), so
 * dx = dy * cos + (dy * sin) @ R^T = dy * cos - rotate_half(dy * sin),
 * and nothing needs saving for the backward pass.
 * x [G, M, H, hd]; cos, sin [M, 1, hd] (already gathered per row position).
 */
export interface Rotary {
  apply(x: Tensor, cos: Tensor, sin: Tensor): Tensor;
  constants: Tensor[];
}

export function makeRotary(headDim: number): Rotary {
  const half = headDim / 2;
  const r = new Float32Array(headDim * headDim);
  for (let i = 0; i < half; i++) {
    r[(i + half) * headDim + i] = -1; // out[i] = -x[i + half]
    r[i * headDim + i + half] = 1; // out[i + half] = x[i]
  }
  const R = tf.tensor2d(r, [headDim, headDim]);
  const rotate = (x: Tensor) => tf.reshape(tf.matMul(tf.reshape(x, [-1, headDim]), R), x.shape);
  const apply = (x: Tensor, cos: Tensor, sin: Tensor) =>
    customGrad((xi: tf.Tensor, save: tf.GradSaveFunc) => {
      save([]);
      const value = tf.tidy(() => tf.add(tf.mul(xi, cos), tf.mul(rotate(xi), sin)));
      const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => [tf.sub(tf.mul(dy as tf.Tensor, cos), rotate(tf.mul(dy as tf.Tensor, sin)))];
      return { value, gradFunc };
    })(x);
  return { apply, constants: [R] };
}

/** SwiGLU MLP: down(silu(gate x) * up x), gate and up one fused [2I, D] linear that returns its two parts. */
export function swiGlu(x: Tensor, gateUp: (x: Tensor) => Tensor[], down: (x: Tensor) => Tensor): Tensor {
  const [gate, up] = gateUp(x) as [Tensor, Tensor]; // [G, M, I] each
  const silu = tf.mul(gate, tf.sigmoid(gate));
  return down(tf.mul(silu, up)); // [G, M, D]
}
