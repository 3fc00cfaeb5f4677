/**
 * The weights of G stacked models, as the forward pass and the optimizer see
 * them, and their conversion from and to HF-named parameter sets.
 *
 * Internally q/k/v and gate/up are fused along the output axis. Which tensors
 * hold them (stacked over the runs, or per run with transposed twins) is the
 * weight layout's business (weightLayout.ts); the weights carry their layout.
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from './config';
import type { Tensor } from './layers';
import { paramSpecs, sizeOf, type ParamSet } from './params';
import type { WeightLayout } from './weightLayout';
import type { LayerAdapters } from './lora';

/** A linear's weight in the per-run layout: per run W [1, out, in] and its twin W^T [1, in, out]. */
export interface PerRunLinear {
  w: Tensor[];
  wt: Tensor[];
}
export type LinearWeight = Tensor | PerRunLinear;
export type EmbedWeight = Tensor | Tensor[];

export interface LlamaWeights {
  /** How these tensors are laid out; the forward pass multiplies through it. */
  layout: WeightLayout;
  G: number;
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
  /** Every tensor above, in the layout's slot order. */
  list: Tensor[];
  /** LoRA / DoRA paths added to the linears' outputs (lora.ts), per layer; absent for a full model. */
  adapters?: LayerAdapters[];
  /** The tensors above are constants (the frozen base under adapters): the layout computes no gradient for them. */
  frozen?: boolean;
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

/** The tensors of each internal weight, in order, grouped by the layout's slots. */
function groupBySlots(list: Tensor[], slots: Slot[]): { entry: number; tensors: Tensor[] }[] {
  const out: { entry: number; tensors: Tensor[] }[] = [];
  slots.forEach((slot, i) => {
    if (out.at(-1)?.entry !== slot.entry) out.push({ entry: slot.entry, tensors: [] });
    out.at(-1)!.tensors.push(list[i]!);
  });
  return out;
}

/** Flat list in slot order (for gradients and optimizers). */
export function flattenWeights(w: LlamaWeights): Tensor[] {
  return w.list;
}

/** Weights from a flat list in the layout's slot order (the list's tensors are used, not copied). */
export function unflattenWeights(list: Tensor[], c: LlamaConfig, G: number, layout: WeightLayout): LlamaWeights {
  const slots = layout.slots(c, G);
  if (slots.length !== list.length) throw new Error(`${layout.name} layout of ${G} runs has ${slots.length} tensors, got ${list.length}`);
  const kinds = entryKinds(c);
  // One stacked tensor, G per-run tensors (embedding), or G matrices and G twins (linear).
  const weights = groupBySlots(list, slots).map(({ entry, tensors }): Tensor | EmbedWeight | LinearWeight => {
    if (tensors.length === 1 && slots.find((s) => s.entry === entry)!.run === null) return tensors[0]!;
    if (kinds[entry] === 'embed') return tensors;
    return { w: tensors.slice(0, G), wt: tensors.slice(G) };
  });
  let i = 0;
  const next = <T,>() => weights[i++] as T;
  const embed = next<EmbedWeight>();
  const layers = Array.from({ length: c.numLayers }, () => ({
    inputNorm: next<Tensor>(), qkv: next<LinearWeight>(), o: next<LinearWeight>(), postNorm: next<Tensor>(), gateUp: next<LinearWeight>(), down: next<LinearWeight>(),
  }));
  return { layout, G, list, embed, layers, norm: next<Tensor>(), lmHead: next<LinearWeight>() };
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
export function packWeights(sets: ParamSet[], weightLayout: WeightLayout): LlamaWeights {
  const c = sets[0]!.config;
  const layout = internalLayout(c);
  const list = weightLayout.slots(c, sets.length).map(({ entry, run, twin }) => {
    const { sources, shape } = layout[entry]!;
    if (run === null) {
      const per = sizeOf(shape);
      const data = new Float32Array(sets.length * per);
      sets.forEach((set, g) => data.set(entryData(set, sources, shape, false), g * per));
      return tf.tensor(data, [sets.length, ...shape]);
    }
    return tf.tensor(entryData(sets[run]!, sources, shape, twin), [1, ...(twin ? [shape[1]!, shape[0]!] : shape)]);
  });
  return unflattenWeights(list, c, sets.length, weightLayout);
}

/** The G parameter sets inside internal tensors (inverse of packWeights; twins are ignored). */
export async function unpackWeights(w: LlamaWeights, c: LlamaConfig): Promise<ParamSet[]> {
  const layout = internalLayout(c);
  const G = w.G;
  const list = w.list;
  const sizes = new Map(paramSpecs(c).map((s) => [s.name, sizeOf(s.shape)]));
  const sets: ParamSet[] = Array.from({ length: G }, () => ({ config: c, tensors: new Map() }));
  const slots = w.layout.slots(c, G);
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
