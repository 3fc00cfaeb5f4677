/**
 * LoRA (Hu et al. 2021) and DoRA (Liu et al. 2024) adapters on a Llama's
 * projections, with Hugging Face PEFT's conventions: which matrices they
 * adapt, their shapes and names, their initial values, how many parameters
 * they train, and the merged weights. Pure TS (the page counts parameters).
 *
 * An adapted projection with frozen weight W0 [out, in] computes
 *   LoRA: y = x W0^T + s (x A^T) B^T,                    s = alpha / r
 *   DoRA: y = (m / ||W0 + s B A||_row) * (x W0^T + s (x A^T) B^T)
 * with A [r, in], B [out, r] and, for DoRA, the magnitude m [out]: one per
 * output row of PyTorch's [out, in] layout (PEFT's get_weight_norm takes the
 * norm over dim 1, the input dimension). Merged, that is one matrix:
 *   LoRA: W = W0 + s B A;  DoRA: W = m * V / ||V||_row with V = W0 + s B A.
 */
import type { LlamaConfig } from './config';
import type { ParamSet } from './params';
import { Rng } from './rng';

/** The projections an adapter may sit on, in the order of a decoder layer. */
export const ADAPTER_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type AdapterTarget = (typeof ADAPTER_TARGETS)[number];
/** PEFT's default target_modules for Llama: q_proj and v_proj. */
export const DEFAULT_ADAPTER_TARGETS: AdapterTarget[] = ['q', 'v'];

export type AdapterKind = 'lora' | 'dora';

/** What a run's adapters look like; runs with equal shapes (and optimizers) step together. */
export interface AdapterShape {
  kind: AdapterKind;
  rank: number;
  /** Sorted in ADAPTER_TARGETS order, no repeats. */
  targets: readonly AdapterTarget[];
}

/**
 * Where a target sits among the internal weights (stacked.ts fuses q/k/v and
 * gate/up along the output axis): its fused linear, its part, and how many parts.
 */
export const TARGET_PART: Record<AdapterTarget, { linear: 'qkv' | 'o' | 'gateUp' | 'down'; part: number; parts: number }> = {
  q: { linear: 'qkv', part: 0, parts: 3 },
  k: { linear: 'qkv', part: 1, parts: 3 },
  v: { linear: 'qkv', part: 2, parts: 3 },
  o: { linear: 'o', part: 0, parts: 1 },
  gate: { linear: 'gateUp', part: 0, parts: 2 },
  up: { linear: 'gateUp', part: 1, parts: 2 },
  down: { linear: 'down', part: 0, parts: 1 },
};

/** The HF module of a target and its weight's [out, in]. */
export function targetDims(c: LlamaConfig, t: AdapterTarget): { out: number; in: number } {
  const D = c.hiddenSize;
  const I = c.intermediateSize;
  if (t === 'gate' || t === 'up') return { out: I, in: D };
  if (t === 'down') return { out: D, in: I };
  return { out: D, in: D };
}

export function moduleName(layer: number, t: AdapterTarget): string {
  return `model.layers.${layer}.${TARGET_PART[t].linear === 'qkv' || t === 'o' ? 'self_attn' : 'mlp'}.${t}_proj`;
}

/** The largest rank every target allows: a rank above min(in, out) adds nothing a full-rank update could not. */
export function maxAdapterRank(c: LlamaConfig, targets: readonly AdapterTarget[]): { rank: number; target: AdapterTarget } {
  let best = { rank: Infinity, target: targets[0] ?? 'q' };
  for (const t of targets) {
    const d = targetDims(c, t);
    if (Math.min(d.in, d.out) < best.rank) best = { rank: Math.min(d.in, d.out), target: t };
  }
  return best;
}

/** One adapted matrix: its layer, target, HF module and dimensions. */
export interface AdaptedModule {
  layer: number;
  target: AdapterTarget;
  module: string;
  out: number;
  in: number;
}

/** Every adapted matrix, layer by layer, targets in ADAPTER_TARGETS order. */
export function adaptedModules(c: LlamaConfig, targets: readonly AdapterTarget[]): AdaptedModule[] {
  const sorted = ADAPTER_TARGETS.filter((t) => targets.includes(t));
  return Array.from({ length: c.numLayers }, (_, layer) => sorted.map((target) => ({ layer, target, module: moduleName(layer, target), ...targetDims(c, target) }))).flat();
}

/** One trainable tensor of a run's adapters. */
export interface AdapterTensorSpec {
  /** PEFT's state-dict name (adapter_model.safetensors). */
  name: string;
  role: 'A' | 'B' | 'm';
  /** Shape in PEFT's file: A [r, in], B [out, r], m [out]. */
  shape: number[];
  /** Shape of one run's tensor on the device: the same, but m as [1, out] (it broadcasts over rows). */
  deviceShape: number[];
  /** Index into adaptedModules. */
  module: number;
}

/** The trainable tensors of one run, in the order of a group's flat list: per module A, B and (DoRA) m. */
export function adapterSpecs(c: LlamaConfig, shape: AdapterShape): AdapterTensorSpec[] {
  const r = shape.rank;
  return adaptedModules(c, shape.targets).flatMap((m, module): AdapterTensorSpec[] => {
    const name = (suffix: string) => `base_model.model.${m.module}.${suffix}`;
    const out: AdapterTensorSpec[] = [
      { name: name('lora_A.weight'), role: 'A', shape: [r, m.in], deviceShape: [r, m.in], module },
      { name: name('lora_B.weight'), role: 'B', shape: [m.out, r], deviceShape: [m.out, r], module },
    ];
    if (shape.kind === 'dora') out.push({ name: name('lora_magnitude_vector'), role: 'm', shape: [m.out], deviceShape: [1, m.out], module });
    return out;
  });
}

/** Trainable parameters: r (in + out) per adapted matrix, plus out per DoRA magnitude vector. */
export function adapterParamCount(c: LlamaConfig, shape: AdapterShape): number {
  return adaptedModules(c, shape.targets).reduce((n, m) => n + shape.rank * (m.in + m.out) + (shape.kind === 'dora' ? m.out : 0), 0);
}

/** Streams of the lab's generator for A (the policy and reference use 0 and 1): one per layer and target. */
const ADAPTER_STREAM = 16;

/**
 * Initial A and B of every adapted matrix, in adaptedModules order. PEFT
 * initialises A with kaiming_uniform_(a=sqrt(5)), which is
 * U(-1/sqrt(in), 1/sqrt(in)) (gain sqrt(2/(1+5)), bound sqrt(3) gain/sqrt(in)),
 * drawn here from the lab's seeded generator, and B with zeros, so the
 * adapted model starts exactly at the base model. Each (layer, target) has
 * its own stream, so a matrix's A does not depend on which others are
 * adapted, and a rank-r A is the first r rows of any larger rank's.
 */
export function initialLowRank(c: LlamaConfig, shape: AdapterShape, seed: number): { a: Float32Array; b: Float32Array }[] {
  return adaptedModules(c, shape.targets).map((m) => {
    const rng = new Rng(seed, ADAPTER_STREAM + m.layer * ADAPTER_TARGETS.length + ADAPTER_TARGETS.indexOf(m.target));
    const bound = 1 / Math.sqrt(m.in);
    const a = new Float32Array(shape.rank * m.in);
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.uniform() - 1) * bound;
    return { a, b: new Float32Array(m.out * shape.rank) };
  });
}

/**
 * The merged weights of one run: a ParamSet with the base's tensors, every
 * adapted matrix replaced by W0 + s B A (LoRA) or m V / ||V||_row with
 * V = W0 + s B A (DoRA), computed in float64 and rounded to float32.
 * `tensors` holds the run's adapters by PEFT name (adapterSpecs).
 */
export function mergeAdapters(base: ParamSet, shape: AdapterShape, alpha: number, tensors: Map<string, Float32Array>): ParamSet {
  const c = base.config;
  const s = alpha / shape.rank;
  const r = shape.rank;
  const out = new Map(base.tensors);
  const specs = adapterSpecs(c, shape);
  adaptedModules(c, shape.targets).forEach((m, k) => {
    const get = (role: 'A' | 'B' | 'm') => tensors.get(specs.find((x) => x.module === k && x.role === role)!.name)!;
    const w0 = base.tensors.get(`${m.module}.weight`)!;
    const A = get('A');
    const B = get('B');
    const merged = new Float32Array(m.out * m.in);
    const row = new Float64Array(m.in);
    for (let o = 0; o < m.out; o++) {
      let sq = 0;
      for (let i = 0; i < m.in; i++) {
        let ba = 0;
        for (let j = 0; j < r; j++) ba += B[o * r + j]! * A[j * m.in + i]!;
        row[i] = w0[o * m.in + i]! + s * ba;
        sq += row[i]! * row[i]!;
      }
      const factor = shape.kind === 'dora' ? get('m')[o]! / Math.sqrt(sq) : 1;
      for (let i = 0; i < m.in; i++) merged[o * m.in + i] = row[i]! * factor;
    }
    out.set(`${m.module}.weight`, merged);
  });
  return { config: c, tensors: out };
}
