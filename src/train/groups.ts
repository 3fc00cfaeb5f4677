/**
 * The tensors of a group of runs, and moving runs between groups.
 *
 * A group holds one flat list of trainable tensors in its slot order
 * (model/weightLayout.ts): a full model's weights, stacked over the group's
 * runs [G, ...] or per run [1, ...] with a transposed twin for each linear
 * matrix, or LoRA / DoRA adapters (stacked). Adam's moments have the same
 * shapes (a twin's moments are the transposes of its matrix's).
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../model/layers';
import type { Slot } from '../model/stacked';
import { adamStep, sgdStep } from './optimizers';

/** One run's tensors, each [1, ...], one per entry of its trainable list (no twins). */
export interface RunState {
  weights: Tensor[];
  m: Tensor[] | null;
  v: Tensor[] | null;
}

/** A group's flat list from its runs' states (copies; the states keep their tensors). */
export function stackRuns(slots: Slot[], states: RunState[], pick: (s: RunState) => Tensor[]): Tensor[] {
  return slots.map(({ entry, run, twin }) => {
    if (run === null) return states.length === 1 ? tf.clone(pick(states[0]!)[entry]!) : tf.concat(states.map((s) => pick(s)[entry]!));
    const t = pick(states[run]!)[entry]!;
    return twin ? tf.transpose(t, [0, 2, 1]) : tf.clone(t); // only linear matrices have twins
  });
}

/** Per-run [1, ...] tensors of a group's flat list, in internal order, twins left out (new tensors). */
export function unstackRuns(slots: Slot[], list: Tensor[], G: number): Tensor[][] {
  const out: Tensor[][] = Array.from({ length: G }, () => []);
  slots.forEach(({ entry, run, twin }, i) => {
    if (twin) return;
    if (run === null) for (let r = 0; r < G; r++) out[r]![entry] = tf.slice(list[i]!, r, 1);
    else out[run]![entry] = tf.clone(list[i]!);
  });
  return out;
}

/** Squared L2 norm of each run's gradient, [G] (a twin's gradient repeats its matrix's: not counted). */
export function sumSquaresPerRun(slots: Slot[], grads: Tensor[], G: number): Tensor {
  // All stacked: one concatenation, one square, one sum (cheap for the small models this layout serves).
  if (slots.every((s) => s.run === null)) return tf.sum(tf.square(tf.concat(grads.map((g) => tf.reshape(g, [G, -1])), 1)), 1);
  const stacked: Tensor[] = [];
  const perRun: Tensor[][] = Array.from({ length: G }, () => []);
  slots.forEach(({ run, twin }, i) => {
    if (twin) return;
    const sq = tf.square(grads[i]!);
    if (run === null) stacked.push(tf.reshape(tf.sum(sq, [1, 2]), [G]));
    else perRun[run]!.push(tf.sum(sq));
  });
  const a = stacked.length === 1 ? stacked[0]! : tf.addN(stacked);
  return tf.add(a, tf.stack(perRun.map((xs) => tf.addN(xs))));
}

/** SGD (gradients already scaled by lr) or Adam with per-run lr and step counts, over a group's flat list. */
export function optimizerStep(
  optimizer: 'sgd' | 'adam', slots: Slot[],
  weights: Tensor[], grads: Tensor[], m: Tensor[] | null, v: Tensor[] | null, lr: number[], t: number[],
): { weights: Tensor[]; m: Tensor[] | null; v: Tensor[] | null } {
  if (optimizer === 'sgd') return { weights: sgdStep(weights, grads), m: null, v: null };
  const G = lr.length;
  const out = { weights: [...weights], m: [...m!], v: [...v!] };
  // Stacked tensors take every run's lr and step; a run's own tensors take its lr and step.
  const buckets: number[][] = Array.from({ length: G + 1 }, () => []);
  slots.forEach(({ run }, i) => buckets[run === null ? 0 : run + 1]!.push(i));
  buckets.forEach((idx, b) => {
    if (idx.length === 0) return;
    const at = (xs: Tensor[]) => idx.map((i) => xs[i]!);
    const step = adamStep(at(weights), at(grads), at(m!), at(v!), b === 0 ? lr : [lr[b - 1]!], b === 0 ? t : [t[b - 1]!]);
    idx.forEach((i, j) => {
      out.weights[i] = step.weights[j]!;
      out.m[i] = step.m[j]!;
      out.v[i] = step.v[j]!;
    });
  });
  return out;
}
