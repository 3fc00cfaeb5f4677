/**
 * The command line on every core, by runs. The runs of a comparison are
 * independent (each starts from the same initial weights; they share only the
 * frozen reference, which each shard scores once), so N cores train them as
 * N shards of the runs, each in its own worker thread. This scales where
 * XNNPACK's threads cannot: a step of this small model is mostly per-op
 * overhead and element-wise work that tfjs-wasm runs on one thread, and only
 * its matrix products split across threads (npm run bench measures both).
 * Cores left over when there are fewer runs than cores go to the shards'
 * XNNPACK threads; a single run gets them all.
 */
import { Worker } from 'node:worker_threads';
import { comparisonNeeds, type ComparisonNeeds } from '../train/catalog';
import type { Experiment } from '../train/experiment';
import type { RunLog } from '../train/metrics';
import type { InitialWeights } from '../train/session';
import type { NodeBackend } from './node-backend';
import type { ShardPlan } from '../train/shardPlan';

export { planShards, type ShardPlan } from '../train/shardPlan';

/** What a shard worker is given (structured-cloned: plain data and typed arrays). */
export interface ShardJob {
  experiment: Experiment;
  /** What the whole comparison computes (every shard scores its runs as they would be scored together). */
  needs: ComparisonNeeds;
  weights: InitialWeights;
  backend: NodeBackend;
  threads: number;
  readEvery: number;
}

export type ShardMessage =
  | { type: 'progress'; step: number }
  | { type: 'done'; logs: RunLog[]; step: number; threads: number }
  | { type: 'error'; message: string };

/** Starts the shard script in a worker thread; under tsx (TypeScript sources) the worker registers tsx first. */
function startShard(job: ShardJob): Worker {
  const script = new URL(import.meta.url.endsWith('.ts') ? './shard.ts' : './shard.js', import.meta.url).href;
  if (!script.endsWith('.ts')) return new Worker(new URL(script), { workerData: job });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

export interface ShardResult { logs: RunLog[]; step: number; threads: number }
/** Trains one shard's experiment in this thread, on `threads` XNNPACK threads, reporting each read step. */
export type TrainHere = (e: Experiment, threads: number, onStep: (step: number) => void, needs: ComparisonNeeds) => Promise<ShardResult>;

/**
 * Trains `e` on the shards of `plan`, all from `weights`: the first shard (a
 * largest one) in this thread with `trainHere`, which has started already and
 * so trains while the worker threads start (about a second each: a module
 * graph and a WASM compile), the others in worker threads. Resolves with every
 * run's log in the experiment's order, the steps done, and each shard's threads.
 */
export async function trainSharded(
  e: Experiment, weights: InitialWeights, backend: NodeBackend, plan: ShardPlan, trainHere: TrainHere, onProgress?: (step: number) => void,
): Promise<{ logs: RunLog[]; step: number; threads: number[] }> {
  const progress = plan.runs.map(() => 0);
  const report = (s: number, step: number) => {
    progress[s] = step;
    onProgress?.(Math.min(...progress));
  };
  const shardOf = (runs: number[]): Experiment => ({ ...e, runs: runs.map((r) => e.runs[r]!) });
  const needs = comparisonNeeds(e.runs);
  const inWorkers = plan.runs.slice(1).map((runs, i) => new Promise<ShardResult>((resolve, reject) => {
    const s = i + 1;
    const worker = startShard({ experiment: shardOf(runs), needs, weights, backend, threads: plan.threads[s]!, readEvery: 10 });
    worker.on('message', (msg: ShardMessage) => {
      if (msg.type === 'progress') report(s, msg.step);
      else if (msg.type === 'done') {
        resolve(msg);
        void worker.terminate();
      } else reject(new Error(msg.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => code !== 0 && reject(new Error(`a training thread stopped (exit code ${code})`)));
  }));
  const results = await Promise.all([trainHere(shardOf(plan.runs[0]!), plan.threads[0]!, (step) => report(0, step), needs), ...inWorkers]);
  const logs: RunLog[] = new Array(e.runs.length);
  plan.runs.forEach((runs, s) => runs.forEach((r, i) => (logs[r] = results[s]!.logs[i]!)));
  return { logs, step: Math.max(...results.map((r) => r.step)), threads: results.map((r) => r.threads) };
}
