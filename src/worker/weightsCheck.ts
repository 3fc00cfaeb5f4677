/**
 * The page's side of the weights check: runs weightsCheck.worker.ts in a
 * worker of its own and resolves with its verdict. Imports no tfjs and does
 * no parsing here, so a hostile file cannot block the page.
 */
import type { ModelPresetId } from '../model/config';
import type { WeightsCheckReply, WeightsCheckRequest } from './weightsCheck.worker';

/** A check that has not answered by then is given up (the file is refused). */
const CHECK_TIMEOUT_MS = 20_000;

/** Resolves with null when the file fits the model, or with the reason it does not. */
export type WeightsChecker = (bytes: ArrayBuffer, model: ModelPresetId) => Promise<string | null>;

export const checkWeightsInWorker: WeightsChecker = (bytes, model) =>
  new Promise((resolve) => {
    const w = new Worker(new URL('./weightsCheck.worker.ts', import.meta.url), { type: 'module', name: 'dpo-ipo-weights-check' });
    const done = (problem: string | null) => {
      clearTimeout(timer);
      w.terminate();
      resolve(problem);
    };
    const timer = setTimeout(() => done('checking it took too long'), CHECK_TIMEOUT_MS);
    w.onmessage = (e: MessageEvent<WeightsCheckReply>) => done(typeof e.data?.problem === 'string' ? e.data.problem : null);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      done(`the check failed (${e.message || 'unknown error'})`);
    };
    // A copy goes to the checker; the caller keeps its bytes for the training worker.
    const copy = bytes.slice(0);
    w.postMessage({ bytes: copy, model } satisfies WeightsCheckRequest, [copy]);
  });
