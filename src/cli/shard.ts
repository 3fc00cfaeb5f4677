/**
 * One shard of the command line's runs, in a worker thread (shards.ts): starts
 * its backend, trains its runs from the given initial weights, and posts
 * their logs back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createComparison, trainFor } from '../train/session';
import { useNodeBackend } from './node-backend';
import type { ShardJob, ShardMessage } from './shards';

const job = workerData as ShardJob;
const post = (msg: ShardMessage) => parentPort!.postMessage(msg);

try {
  const { threads } = await useNodeBackend(job.backend, job.threads);
  const cmp = createComparison(job.experiment, job.weights, undefined, job.needs);
  await trainFor(cmp, job.experiment.steps, { readEvery: job.readEvery, onRead: (step) => post({ type: 'progress', step }) });
  post({ type: 'done', logs: cmp.logs, step: cmp.step, threads });
  cmp.dispose();
} catch (e) {
  post({ type: 'error', message: (e as Error).message });
}
