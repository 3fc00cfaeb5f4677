/**
 * The page's side of the worker: starts it and passes typed messages.
 * Imports no tfjs (the worker bundle carries it).
 */
import type { FromWorker, ToWorker } from './protocol';

export interface EnginePort {
  send(msg: ToWorker, transfer?: Transferable[]): void;
  /** A fresh worker: everything the old one held (a GPU device, its buffers) goes with it. */
  restart(): void;
  dispose(): void;
}

function isFramed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true; // a cross-origin parent may refuse even the comparison
  }
}

export function startWorkerEngine(onEvent: (msg: FromWorker) => void): EnginePort {
  const start = () => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'dpo-ipo-trainer' });
    w.onmessage = (e: MessageEvent<FromWorker>) => onEvent(e.data);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onEvent({ type: 'error', message: `the training worker failed: ${e.message || 'unknown error'}`, context: 'worker' });
    };
    // The worker cannot tell whether its page is an iframe; whether it may use threads depends on it.
    w.postMessage({ type: 'context', framed: isFramed() } satisfies ToWorker);
    return w;
  };
  let worker = start();
  return {
    send: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    restart: () => {
      worker.terminate();
      worker = start();
    },
    dispose: () => worker.terminate(),
  };
}
