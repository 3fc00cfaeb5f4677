/**
 * The page's side of the worker: starts it and passes typed messages.
 * Imports no tfjs (the worker bundle carries it).
 */
import type { FromWorker, ToWorker } from './protocol';

export interface EnginePort {
  send(msg: ToWorker, transfer?: Transferable[]): void;
  dispose(): void;
}

export function startWorkerEngine(onEvent: (msg: FromWorker) => void): EnginePort {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'dpo-ipo-trainer' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onEvent(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    onEvent({ type: 'error', message: `the training worker failed: ${e.message || 'unknown error'}`, context: 'worker' });
  };
  return {
    send: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    dispose: () => worker.terminate(),
  };
}
