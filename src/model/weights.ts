/**
 * Weights in and out: a ParamSet <-> a safetensors file with HF Llama names
 * and layouts (SPEC 4). Import validates the whole file against the config
 * before returning anything, so a bad file changes nothing.
 */
import { ADAPTER_TARGETS, type AdapterShape } from './adapters';
import { MODEL_PRESETS, type LlamaConfig } from './config';
import { paramCount, paramSpecs, sizeOf, type ParamSet } from './params';
import { MAX_HEADER_BYTES, parseSafetensors, SafetensorsError, serializeSafetensors, shortName, type NamedTensor } from './safetensors';

/**
 * The largest weights file worth reading: the largest model in its widest
 * accepted dtype (F64, 8 bytes a value), the header cap, and 1 MB for derived
 * buffers HF checkpoints may carry (rotary inv_freq). Anything bigger is
 * refused before it is read (a device like /dev/zero never ends).
 */
export const MAX_WEIGHTS_BYTES = 8 + MAX_HEADER_BYTES + 8 * Math.max(...Object.values(MODEL_PRESETS).map(paramCount)) + 1_000_000;

export function exportSafetensors(params: ParamSet, role: 'policy' | 'reference'): Uint8Array {
  const named = new Map<string, NamedTensor>();
  for (const s of paramSpecs(params.config)) {
    named.set(s.name, { shape: s.shape, data: params.tensors.get(s.name)! });
  }
  return serializeSafetensors(named, { format: 'pt', role, producer: 'dpo-ipo-lab' });
}

/**
 * A run's LoRA / DoRA adapters as PEFT's adapter_model.safetensors: tensors
 * under PEFT's names (adapters.ts adapterSpecs), and PEFT's adapter_config in
 * the metadata (PeftModel.from_pretrained reads it from adapter_config.json:
 * copy it there).
 */
export function exportAdapters(adapters: Map<string, NamedTensor>, shape: AdapterShape, alpha: number): Uint8Array {
  const config = {
    peft_type: 'LORA', task_type: 'CAUSAL_LM', r: shape.rank, lora_alpha: alpha, lora_dropout: 0, bias: 'none', use_dora: shape.kind === 'dora',
    target_modules: ADAPTER_TARGETS.filter((t) => shape.targets.includes(t)).map((t) => `${t}_proj`),
  };
  return serializeSafetensors(adapters, { format: 'pt', producer: 'dpo-ipo-lab', adapter_config: JSON.stringify(config) });
}

/**
 * Parses and checks a safetensors file against `config`. Every expected tensor
 * must be present with the HF shape; missing, extra or misshapen tensors are
 * all listed in one error. Non-finite values are refused.
 */
export function importSafetensors(bytes: Uint8Array, config: LlamaConfig): ParamSet {
  if (bytes.byteLength > MAX_WEIGHTS_BYTES) throw new SafetensorsError(tooLarge(bytes.byteLength));
  const { tensors } = parseSafetensors(bytes);
  const problems: string[] = [];
  const out = new Map<string, Float32Array>();
  const specs = paramSpecs(config);
  for (const s of specs) {
    const t = tensors.get(s.name);
    if (!t) {
      problems.push(`missing ${s.name}`);
      continue;
    }
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      problems.push(`${s.name} has shape [${t.shape}], expected [${s.shape}]`);
      continue;
    }
    if (!t.data.every(Number.isFinite)) {
      problems.push(`${s.name} contains NaN or Infinity`);
      continue;
    }
    out.set(s.name, t.data);
  }
  const expected = new Set(specs.map((s) => s.name));
  // HF checkpoints may carry the rotary inverse-frequency buffer; it is derived, not learned.
  const extra = [...tensors.keys()].filter((k) => !expected.has(k) && !k.endsWith('rotary_emb.inv_freq'));
  if (extra.length > 0) problems.push(`unexpected tensors: ${extra.slice(0, 5).map(shortName).join(', ')}${extra.length > 5 ? ', …' : ''}`);
  if (problems.length > 0) {
    const shown = problems.slice(0, 6).join('; ') + (problems.length > 6 ? `; and ${problems.length - 6} more` : '');
    throw new SafetensorsError(`weights do not fit this model (${describe(config)}): ${shown}`);
  }
  for (const s of specs) if (out.get(s.name)!.length !== sizeOf(s.shape)) throw new SafetensorsError(`internal size mismatch for ${s.name}`);
  return { config, tensors: out };
}

export function tooLarge(bytes: number): string {
  return `the file is ${(bytes / 1e6).toFixed(1)} MB; weights of the largest model take at most ${(MAX_WEIGHTS_BYTES / 1e6).toFixed(1)} MB`;
}

function describe(c: LlamaConfig): string {
  return `vocab ${c.vocabSize}, hidden ${c.hiddenSize}, intermediate ${c.intermediateSize}, ${c.numLayers} layers, ${c.numHeads} heads`;
}
