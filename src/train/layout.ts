/**
 * How a comparison's runs are laid out on a backend (see trainer.ts and
 * model/layers.ts for the why). Measured choices; `npm run bench` re-checks them.
 */
import type { LlamaConfig } from '../model/config';
import type { Layout } from './trainer';

/** Hidden size from which WASM's naive batched matmul costs more than per-run XNNPACK products. */
const WASM_PER_RUN_FROM_HIDDEN = 128;

export function chooseLayout(backend: string, model: LlamaConfig): Layout {
  if (backend === 'wasm' && model.hiddenSize >= WASM_PER_RUN_FROM_HIDDEN) return { grouping: 'hybrid', xnn: true };
  return { grouping: 'batched', xnn: false };
}
