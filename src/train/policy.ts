/**
 * What a group of runs trains, and how its trainable list becomes the
 * forward's weights: the full model (every weight, in the layout's slots),
 * or LoRA / DoRA adapters on the frozen initial weights (model/lora.ts),
 * which then are the only tensors the gradient, grad_norm and Adam's moments
 * cover, as in PEFT training.
 */
import * as tf from '@tensorflow/tfjs';
import { adaptedModules, adapterSpecs, initialLowRank, mergeAdapters, type AdapterShape } from '../model/adapters';
import type { LlamaConfig } from '../model/config';
import type { Tensor } from '../model/layers';
import { packWeights, unflattenWeights, unpackWeights, type LlamaWeights } from '../model/llama';
import { doraNorms, layerAdapters, rowNorms } from '../model/lora';
import type { ParamSet } from '../model/params';
import type { NamedTensor } from '../model/safetensors';
import type { Slot } from '../model/stacked';
import type { WeightLayout } from '../model/weightLayout';
import { adapterShapeOf, type Run } from './run';

export interface GroupPolicy {
  /** The trainable list's tensors, in order. */
  readonly slots: Slot[];
  /**
   * Called in a step before the gradient tape starts: computes what stays
   * constant in the backward pass (DoRA's detached norms) and returns the map
   * the gradient goes through, from the trainable list to the forward's weights.
   */
  forward(trainable: Tensor[]): (ws: Tensor[]) => LlamaWeights;
  /** Each run's weights as HF parameter sets: the merged weights for adapters. */
  policies(trainable: Tensor[]): Promise<ParamSet[]>;
  /** Each run's adapters under PEFT's names; null for full-model runs. */
  adapters(trainable: Tensor[]): Promise<Map<string, NamedTensor>[] | null>;
  dispose(): void;
}

/** Runs with the same optimizer and key step together: the full model, or one adapter shape. */
export function policyKey(r: Run): string {
  const s = adapterShapeOf(r);
  return s ? `${s.kind} r=${s.rank} ${s.targets.join(',')}` : 'full';
}

export function fullPolicy(c: LlamaConfig, layout: WeightLayout, G: number): GroupPolicy {
  return {
    slots: layout.slots(c, G),
    forward: () => (ws) => unflattenWeights(ws, c, G, layout),
    policies: (list) => unpackWeights(unflattenWeights(list, c, G, layout), c),
    adapters: async () => null,
    dispose: () => {},
  };
}

/** α / r of each run, [G, 1, 1]. */
const scales = (runs: Pick<Run, 'loraAlpha' | 'loraRank'>[]) => tf.tensor3d(runs.map((r) => r.loraAlpha / r.loraRank), [runs.length, 1, 1]);

/** Each adapted matrix's frozen W0, [1, out, in] (DoRA's norms need it). */
const adaptedBases = (init: ParamSet, shape: AdapterShape) =>
  adaptedModules(init.config, shape.targets).map((m) => tf.tensor3d(init.tensors.get(`${m.module}.weight`)!, [1, m.out, m.in]));

/**
 * Adapters on the frozen initial weights. The base stays in the group's
 * layout as a full model's weights would (constants: nothing differentiates
 * or updates them); the trainable list is the adapters, stacked over the runs.
 */
export function adapterPolicy(c: LlamaConfig, layout: WeightLayout, shape: AdapterShape, runs: Run[], init: ParamSet): GroupPolicy {
  const G = runs.length;
  const base = packWeights(runs.map(() => init), layout);
  const scale = scales(runs);
  const w0 = shape.kind === 'dora' ? adaptedBases(init, shape) : [];
  const specs = adapterSpecs(c, shape);
  /** Each run's adapters by PEFT name, read back from the device. */
  const perRun = async (list: Tensor[]) => {
    const out = runs.map(() => new Map<string, NamedTensor>());
    for (let k = 0; k < specs.length; k++) {
      const data = (await list[k]!.data()) as Float32Array;
      const per = data.length / G;
      out.forEach((m, g) => m.set(specs[k]!.name, { shape: specs[k]!.shape, data: data.slice(g * per, (g + 1) * per) }));
    }
    return out;
  };
  return {
    slots: layout.adapterSlots(specs.length),
    forward: (trainable) => {
      const norms = shape.kind === 'dora' ? doraNorms(shape, trainable, w0, scale) : null;
      return (ws) => ({ ...base, frozen: true, adapters: layerAdapters(c, shape, ws, scale, norms) });
    },
    policies: async (list) => {
      const sets = await perRun(list);
      return sets.map((named, g) => mergeAdapters(init, shape, runs[g]!.loraAlpha, new Map([...named].map(([k, v]) => [k, v.data]))));
    },
    adapters: perRun,
    dispose: () => tf.dispose([...base.list, scale, ...w0]),
  };
}

/**
 * A run's initial adapters, [1, ...] each in adapterSpecs order: A seeded
 * (PEFT's kaiming-uniform bound), B = 0 and, for DoRA, m = ||W0 + s B A||_row
 * computed by the same kernel the forward divides by, so m / ||.|| is exactly
 * 1 at step 0 and the adapted model starts as the base model.
 */
export function initialAdapters(init: ParamSet, shape: AdapterShape, run: Pick<Run, 'loraAlpha' | 'loraRank'>, seed: number): Tensor[] {
  const c = init.config;
  const lowRank = initialLowRank(c, shape, seed);
  return tf.tidy(() => {
    const scale = scales([run]);
    const bases = shape.kind === 'dora' ? adaptedBases(init, shape) : [];
    return adaptedModules(c, shape.targets).flatMap((m, k) => {
      const a = tf.tensor3d(lowRank[k]!.a, [1, shape.rank, m.in]);
      const b = tf.tensor3d(lowRank[k]!.b, [1, m.out, shape.rank]);
      return shape.kind === 'dora' ? [a, b, rowNorms(bases[k]!, a, b, scale)] : [a, b];
    });
  });
}
