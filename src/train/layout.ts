/**
 * Which weight layout (model/weightLayout.ts) a comparison uses on a backend.
 * Measured choices; `npm run bench` re-checks them.
 */
import type { LlamaConfig } from '../model/config';
import { PER_RUN_MATRICES, STACKED, type WeightLayout } from '../model/weightLayout';

/** Hidden size from which WASM's naive batched matmul costs more than per-run XNNPACK products. */
const WASM_PER_RUN_FROM_HIDDEN = 128;

export function chooseLayout(backend: string, model: LlamaConfig): WeightLayout {
  return backend === 'wasm' && model.hiddenSize >= WASM_PER_RUN_FROM_HIDDEN ? PER_RUN_MATRICES : STACKED;
}
