/// <reference lib="webworker" />
/**
 * Checks an imported weights file off the page's main thread: parsing a
 * hostile safetensors header once froze the page for seconds. Pure TS (no
 * tfjs): a small, short-lived worker, so the training worker and its
 * protocol stay as they are, and a file that is refused never reaches them.
 */
import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { importSafetensors } from '../model/weights';

export interface WeightsCheckRequest {
  bytes: ArrayBuffer;
  model: ModelPresetId;
}
/** null: the file fits the model; otherwise why it does not. */
export type WeightsCheckReply = { problem: string | null };

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<WeightsCheckRequest>) => {
  let problem: string | null = null;
  try {
    importSafetensors(new Uint8Array(e.data.bytes), MODEL_PRESETS[e.data.model]);
  } catch (err) {
    problem = err instanceof Error ? err.message : 'the file could not be read';
  }
  scope.postMessage({ problem } satisfies WeightsCheckReply);
};
