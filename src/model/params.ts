/**
 * Model parameters as plain Float32Arrays under Hugging Face `LlamaForCausalLM`
 * state-dict names and layouts (linear weights are [out, in]). This is the
 * form weights are initialised, imported and exported in; the tfjs side
 * (llama.ts) packs it into tensors.
 */
import { assertValidConfig, type LlamaConfig } from './config';
import { Rng } from './rng';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Norm weights start at 1; everything else is N(0, initStd). */
  init: 'ones' | 'normal';
}

export interface ParamSet {
  config: LlamaConfig;
  /** HF name -> row-major data with the shape given by paramSpecs(config). */
  tensors: Map<string, Float32Array>;
}

/** Every parameter of the model, in HF state-dict order. */
export function paramSpecs(c: LlamaConfig): ParamSpec[] {
  const D = c.hiddenSize;
  const specs: ParamSpec[] = [{ name: 'model.embed_tokens.weight', shape: [c.vocabSize, D], init: 'normal' }];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    specs.push(
      { name: `${p}.self_attn.q_proj.weight`, shape: [D, D], init: 'normal' },
      { name: `${p}.self_attn.k_proj.weight`, shape: [D, D], init: 'normal' },
      { name: `${p}.self_attn.v_proj.weight`, shape: [D, D], init: 'normal' },
      { name: `${p}.self_attn.o_proj.weight`, shape: [D, D], init: 'normal' },
      { name: `${p}.mlp.gate_proj.weight`, shape: [c.intermediateSize, D], init: 'normal' },
      { name: `${p}.mlp.up_proj.weight`, shape: [c.intermediateSize, D], init: 'normal' },
      { name: `${p}.mlp.down_proj.weight`, shape: [D, c.intermediateSize], init: 'normal' },
      { name: `${p}.input_layernorm.weight`, shape: [D], init: 'ones' },
      { name: `${p}.post_attention_layernorm.weight`, shape: [D], init: 'ones' },
    );
  }
  specs.push(
    { name: 'model.norm.weight', shape: [D], init: 'ones' },
    { name: 'lm_head.weight', shape: [c.vocabSize, D], init: 'normal' },
  );
  return specs;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function paramCount(c: LlamaConfig): number {
  return paramSpecs(c).reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** Random streams: the policy and the reference are two independent inits (SPEC 1). */
export const POLICY_STREAM = 0;
export const REFERENCE_STREAM = 1;

/**
 * HF `_init_weights`: Linear and Embedding weights ~ N(0, initializer_range),
 * RMSNorm weights = 1. Deterministic in (seed, stream) on every platform.
 */
export function initParams(c: LlamaConfig, seed: number, stream: number): ParamSet {
  assertValidConfig(c);
  const rng = new Rng(seed, stream);
  const tensors = new Map<string, Float32Array>();
  for (const s of paramSpecs(c)) {
    const data = new Float32Array(sizeOf(s.shape));
    if (s.init === 'ones') data.fill(1);
    else rng.fillNormal(data, c.initStd);
    tensors.set(s.name, data);
  }
  return { config: c, tensors };
}
