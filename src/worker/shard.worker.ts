/// <reference lib="webworker" />
/**
 * A Web Worker that trains one shard of the lab's runs (shardHost.ts) on
 * single-threaded WASM, for the training worker (shardedComparison.ts).
 * Messages are handled one at a time, in order.
 */
import { createComparison } from '../train/session';
import { startBackend, wasmPlan } from './backends';
import { ShardHost, type ToShard } from './shardHost';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new ShardHost((e, weights, needs) => createComparison(e, weights, undefined, needs));
let queue: Promise<void> = (async () => {
  wasmPlan.threads = 1;
  const failure = await startBackend('wasm');
  if (failure) throw new Error(`WASM did not start in a training worker: ${failure}`);
})();

scope.onmessage = (e: MessageEvent<ToShard>) => {
  queue = queue.then(
    async () => {
      const reply = await host.handle(e.data);
      if (reply) scope.postMessage(reply);
    },
    (err: Error) => {
      if ('id' in e.data) scope.postMessage({ type: 'reply', id: e.data.id, error: err.message });
      return Promise.reject(err);
    },
  );
};
