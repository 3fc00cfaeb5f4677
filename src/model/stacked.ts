/**
 * The weights of G stacked models, as the forward pass and the optimizer see
 * them, and their conversion from and to HF-named parameter sets.
 *
 * Internally q/k/v and gate/up are fused along the output axis. Every weight
 * is stacked [G, ...] over the runs, except in the hybrid layout (WASM, large
 * models), where the embedding and each linear matrix are kept per run
 * [1, ...], and each linear matrix W also has a transposed twin W^T [1, in, out]
 * maintained by the optimizer (see linear() in layers.ts for why).
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from './config';
import type { Tensor } from './layers';
import { paramSpecs, sizeOf, type ParamSet } from './params';

/** A linear's weight in the hybrid layout: per run W [1, out, in] and its twin W^T [1, in, out]. */
export interface PerRunLinear {
  w: Tensor[];
  wt: Tensor[];
}
export type LinearWeight = Tensor | PerRunLinear;
export type EmbedWeight = Tensor | Tensor[];

export interface LlamaWeights {
  embed: EmbedWeight; // [G, V, D]
  layers: {
    inputNorm: Tensor; // [G, 1, D]
    qkv: LinearWeight; // [G, 3D, D]
    o: LinearWeight; // [G, D, D]
    postNorm: Tensor; // [G, 1, D]
    gateUp: LinearWeight; // [G, 2I, D]
    down: LinearWeight; // [G, D, I]
  }[];
  norm: Tensor; // [G, 1, D]
  lmHead: LinearWeight; // [G, V, D]
}

type Kind = 'norm' | 'embed' | 'linear';

/** Internal weights in order: the HF tensors whose data, concatenated, forms each one; its per-run shape; its kind. */
function internalLayout(c: LlamaConfig): { sources: string[]; shape: number[]; kind: Kind }[] {
  const D = c.hiddenSize;
  const I = c.intermediateSize;
  const e = (kind: Kind, sources: string[], shape: number[]) => ({ sources, shape, kind });
  const out = [e('embed', ['model.embed_tokens.weight'], [c.vocabSize, D])];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      e('norm', [`${p}.input_layernorm.weight`], [1, D]),
      e('linear', ['q', 'k', 'v'].map((n) => `${p}.self_attn.${n}_proj.weight`), [3 * D, D]),
      e('linear', [`${p}.self_attn.o_proj.weight`], [D, D]),
      e('norm', [`${p}.post_attention_layernorm.weight`], [1, D]),
      e('linear', [`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`], [2 * I, D]),
      e('linear', [`${p}.mlp.down_proj.weight`], [D, I]),
    );
  }
  out.push(e('norm', ['model.norm.weight'], [1, D]), e('linear', ['lm_head.weight'], [c.vocabSize, D]));
  return out;
}

/** One tensor of a flattened weight list: its internal weight, its run (null: stacked over all), whether it is a W^T twin. */
export interface Slot {
  entry: number;
  run: number | null;
  twin: boolean;
}

export function flatLayout(c: LlamaConfig, G: number, hybrid: boolean): Slot[] {
  const runs = (entry: number, twin: boolean): Slot[] => Array.from({ length: G }, (_, run) => ({ entry, run, twin }));
  return internalLayout(c).flatMap(({ kind }, entry): Slot[] => {
    if (!hybrid || kind === 'norm') return [{ entry, run: null, twin: false }];
    return kind === 'embed' ? runs(entry, false) : [...runs(entry, false), ...runs(entry, true)];
  });
}

/** Flat list in flatLayout order (for gradients and optimizers). */
export function flattenWeights(w: LlamaWeights): Tensor[] {
  const all = [w.embed, ...w.layers.flatMap((l) => [l.inputNorm, l.qkv, l.o, l.postNorm, l.gateUp, l.down]), w.norm, w.lmHead];
  return all.flatMap((x) => (x instanceof tf.Tensor ? [x] : Array.isArray(x) ? x : [...x.w, ...x.wt]));
}

export function unflattenWeights(list: Tensor[], c: LlamaConfig, G: number, hybrid: boolean): LlamaWeights {
  let i = 0;
  const take = (n: number) => list.slice(i, (i += n));
  const norm = () => list[i++]!;
  const embed = (): EmbedWeight => (hybrid ? take(G) : list[i++]!);
  const lin = (): LinearWeight => (hybrid ? { w: take(G), wt: take(G) } : list[i++]!);
  const e = embed();
  const layers = Array.from({ length: c.numLayers }, () => ({ inputNorm: norm(), qkv: lin(), o: lin(), postNorm: norm(), gateUp: lin(), down: lin() }));
  return { embed: e, layers, norm: norm(), lmHead: lin() };
}

/** The data of one internal weight of one parameter set, optionally transposed. */
function entryData(set: ParamSet, sources: string[], shape: number[], transposed: boolean): Float32Array {
  const data = new Float32Array(sizeOf(shape));
  let off = 0;
  for (const name of sources) {
    const src = set.tensors.get(name)!;
    data.set(src, off);
    off += src.length;
  }
  if (!transposed) return data;
  const [rows, cols] = shape as [number, number];
  const t = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) t[k * rows + r] = data[r * cols + k]!;
  return t;
}

/**
 * Internal tensors from G parameter sets. Concatenating row-major [out, in]
 * matrices along `out` is concatenating their data, so fusing q/k/v and
 * gate/up is a plain copy.
 */
export function packWeights(sets: ParamSet[], hybrid = false): LlamaWeights {
  const c = sets[0]!.config;
  const layout = internalLayout(c);
  const list = flatLayout(c, sets.length, hybrid).map(({ entry, run, twin }) => {
    const { sources, shape } = layout[entry]!;
    if (run === null) {
      const per = sizeOf(shape);
      const data = new Float32Array(sets.length * per);
      sets.forEach((set, g) => data.set(entryData(set, sources, shape, false), g * per));
      return tf.tensor(data, [sets.length, ...shape]);
    }
    return tf.tensor(entryData(sets[run]!, sources, shape, twin), [1, ...(twin ? [shape[1]!, shape[0]!] : shape)]);
  });
  return unflattenWeights(list, c, sets.length, hybrid);
}

/** The G parameter sets inside internal tensors (inverse of packWeights; twins are ignored). */
export async function unpackWeights(w: LlamaWeights, c: LlamaConfig): Promise<ParamSet[]> {
  const layout = internalLayout(c);
  const G = w.norm.shape[0]!;
  const hybrid = !(w.lmHead instanceof tf.Tensor);
  const list = flattenWeights(w);
  const sizes = new Map(paramSpecs(c).map((s) => [s.name, sizeOf(s.shape)]));
  const sets: ParamSet[] = Array.from({ length: G }, () => ({ config: c, tensors: new Map() }));
  const slots = flatLayout(c, G, hybrid);
  for (let t = 0; t < list.length; t++) {
    const { entry, run, twin } = slots[t]!;
    if (twin) continue;
    const data = (await list[t]!.data()) as Float32Array;
    const per = sizeOf(layout[entry]!.shape);
    for (const g of run === null ? Array.from({ length: G }, (_, k) => k) : [run]) {
      let off = run === null ? g * per : 0;
      for (const name of layout[entry]!.sources) {
        const n = sizes.get(name)!;
        sets[g]!.tensors.set(name, data.slice(off, off + n));
        off += n;
      }
    }
  }
  return sets;
}

/** The kind of each internal weight, in order. */
export function entryKinds(c: LlamaConfig): Kind[] {
  return internalLayout(c).map((e) => e.kind);
}
