/**
 * The initial weights PyTorch gives `LlamaForCausalLM(config)` (Hugging Face)
 * after `torch.manual_seed(seed)`, rebuilt draw for draw (SPEC 1b "What one
 * build draws"), so that the notebook's policy and reference can be replayed
 * without shipping its weights. Pure TS.
 *
 * One build draws, from the one CPU generator:
 *   1. module defaults in construction order: embed_tokens (Embedding,
 *      normal_(0, 1)), then per layer q, k, v, o, gate, up, down (Linear,
 *      kaiming_uniform_(a = sqrt 5) = uniform_ over n elements); norms are ones;
 *   2. LlamaModel.post_init: normal_(0, initStd) on every Linear and
 *      Embedding in module post-order (the same order);
 *   3. lm_head's Linear default (uniform), then LlamaForCausalLM.post_init,
 *      which re-initialises only lm_head with normal_(0, initStd).
 * Only the normals of 2 and 3 survive; every other draw only advances the
 * generator, and so do whole earlier builds.
 *
 * Not modelled: an embedding padding row. LlamaConfig's pad_token_id is None
 * in current transformers (older versions defaulted to 0 and zeroed row 0
 * after the draw, which changes no other value and no draw count).
 */
import { assertValidConfig, type LlamaConfig } from './config';
import { paramSpecs, sizeOf, type ParamSet } from './params';
import { TorchGenerator, type TorchSeed } from './torchRandom';

interface Draw {
  name: string; // HF parameter the draw fills
  kind: 'normal' | 'uniform';
  n: number; // elements
  /** true for the post_init normals: the values that end up in the model. */
  kept: boolean;
}

/** Every draw of one LlamaForCausalLM(config) construction, in order. */
export function buildDraws(c: LlamaConfig): Draw[] {
  const linears = paramSpecs(c).filter((s) => s.init === 'normal' && s.name !== 'model.embed_tokens.weight' && s.name !== 'lm_head.weight');
  const embed = { name: 'model.embed_tokens.weight', n: c.vocabSize * c.hiddenSize };
  const lmHead = { name: 'lm_head.weight', n: c.vocabSize * c.hiddenSize };
  const body = [embed, ...linears.map((s) => ({ name: s.name, n: sizeOf(s.shape) }))]; // construction order = post-order here
  return [
    { ...embed, kind: 'normal', kept: false }, // nn.Embedding.reset_parameters: normal_(0, 1)
    ...body.slice(1).map((d) => ({ ...d, kind: 'uniform' as const, kept: false })), // nn.Linear: kaiming_uniform_
    ...body.map((d) => ({ ...d, kind: 'normal' as const, kept: true })), // LlamaModel.post_init
    { ...lmHead, kind: 'uniform', kept: false },
    { ...lmHead, kind: 'normal', kept: true }, // LlamaForCausalLM.post_init: lm_head only
  ];
}

/**
 * Weights of the `build`-th (1-based) LlamaForCausalLM(config) constructed
 * after one torch.manual_seed(seed), under HF names and layouts. The
 * notebook: seed 42, reference = build 1, policy = build 4.
 */
export function torchInitParams(c: LlamaConfig, seed: TorchSeed, build: number): ParamSet {
  return torchInitBuilds(c, seed, [build])[0]!;
}

/** Several builds of one seeded sequence in one pass, e.g. [1, 4] for the notebook's reference and policy. */
export function torchInitBuilds(c: LlamaConfig, seed: TorchSeed, builds: number[]): ParamSet[] {
  assertValidConfig(c);
  for (const b of builds) {
    if (!Number.isSafeInteger(b) || b < 1) throw new Error(`build must be a positive integer (1 = the first model built), got ${b}`);
  }
  const gen = new TorchGenerator(seed);
  const draws = buildDraws(c);
  const made = new Map<number, ParamSet>();
  const last = Math.max(...builds);
  for (let b = 1; b <= last; b++) {
    if (!builds.includes(b)) {
      for (const d of draws) skip(gen, d);
      continue;
    }
    const tensors = new Map<string, Float32Array>();
    for (const d of draws) {
      if (d.kept) tensors.set(d.name, gen.normal_(new Float32Array(d.n), 0, c.initStd));
      else skip(gen, d);
    }
    // HF state-dict order; norms = 1.
    made.set(b, { config: c, tensors: new Map(paramSpecs(c).map((s) => [s.name, tensors.get(s.name) ?? new Float32Array(sizeOf(s.shape)).fill(1)])) });
  }
  return builds.map((b) => made.get(b)!);
}

function skip(gen: TorchGenerator, d: Draw): void {
  if (d.kind === 'uniform') gen.skipUniform(d.n);
  else gen.skipNormal(d.n);
}
