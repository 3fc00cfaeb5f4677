/**
 * Llama configuration with Hugging Face `LlamaConfig` semantics, restricted to
 * what the lab uses: multi-head attention (num_key_value_heads = num_heads),
 * no biases, untied lm_head, SwiGLU MLP, RMSNorm, rotary embeddings.
 */
export interface LlamaConfig {
  /** V: vocabulary size. */
  vocabSize: number;
  /** D: hidden size (embedding width). */
  hiddenSize: number;
  /** I: SwiGLU inner width. */
  intermediateSize: number;
  /** Number of decoder layers. */
  numLayers: number;
  /** H: attention heads; head_dim = D / H must be even (rotate-half RoPE). */
  numHeads: number;
  /** RMSNorm epsilon (HF default 1e-6). */
  rmsNormEps: number;
  /** RoPE base (HF default 10000). */
  ropeTheta: number;
  /** Std of the N(0, std) init of every linear and embedding (HF initializer_range 0.02). */
  initStd: number;
}

export type ModelPresetId = 'tiny' | 'notebook';

const HF_DEFAULTS = { rmsNormEps: 1e-6, ropeTheta: 10000, initStd: 0.02 } as const;

export const MODEL_PRESETS: Record<ModelPresetId, LlamaConfig> = {
  /**
   * The MA-RLHF DPO notebook: LlamaConfig(vocab_size=32, hidden_size=256,
   * intermediate_size=512, num_hidden_layers=2, num_attention_heads=4,
   * num_key_value_heads=4). 1,328,384 parameters.
   */
  notebook: { vocabSize: 32, hiddenSize: 256, intermediateSize: 512, numLayers: 2, numHeads: 4, ...HF_DEFAULTS },
  /** Same shape of network, 58x fewer parameters: instant feedback in the browser. */
  tiny: { vocabSize: 32, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 2, ...HF_DEFAULTS },
};

export function headDim(c: LlamaConfig): number {
  return c.hiddenSize / c.numHeads;
}

/** Throws a readable error when a config cannot describe a Llama. */
export function assertValidConfig(c: LlamaConfig): void {
  const ints: (keyof LlamaConfig)[] = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads'];
  for (const k of ints) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`model config: ${k} must be a positive integer, got ${v}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) {
    throw new Error(`model config: hiddenSize ${c.hiddenSize} is not divisible by numHeads ${c.numHeads}`);
  }
  if (headDim(c) % 2 !== 0) throw new Error(`model config: head_dim ${headDim(c)} must be even for rotary embeddings`);
  for (const k of ['rmsNormEps', 'ropeTheta', 'initStd'] as const) {
    if (!(c[k] > 0) || !Number.isFinite(c[k])) throw new Error(`model config: ${k} must be a positive number`);
  }
}
