/// <reference lib="webworker" />
/**
 * The Web Worker that owns tfjs and the trainer. Messages are handled one at
 * a time in arrival order; training itself runs between them (see Runner).
 */
import type { FromWorker, ToWorker } from './protocol';
import { Runner } from './runner';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const runner = new Runner((msg: FromWorker, transfer?: Transferable[]) => scope.postMessage(msg, transfer ?? []));
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  queue = queue.then(() => runner.handle(e.data));
};
