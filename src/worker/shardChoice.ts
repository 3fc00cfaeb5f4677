/**
 * Whether the runs of an experiment split over Web Workers (one per core, as
 * far as the runs go: shardedComparison.ts) or train in the training worker
 * alone. Only on WASM (a GPU backend runs every run in one batch), and only
 * where there are several runs and cores to spare: one core is left to the
 * page, whose charts must keep up (on 2 cores, two busy workers made its
 * tasks 110-120 ms long: no split there), and only for a model whose step is
 * mostly arithmetic: a small model's step is mostly per-op overhead, which
 * every worker pays whole (npm run bench, 2 workers: notebook model 1.37x,
 * tiny 0.91x). The benchmark may ask for an exact count, and a forced thread
 * count means no split.
 */
import { MODEL_PRESETS } from '../model/config';
import { paramCount } from '../model/params';
import { comparisonConfig, type Experiment } from '../train/experiment';
import { createComparison, type InitialWeights } from '../train/session';
import { planShards, type ShardPlan } from '../train/shardPlan';
import * as tf from '@tensorflow/tfjs';
import { ShardedComparison, type Trainee } from './shardedComparison';
import { ShardPool } from './shardPool';

/** At most this many workers share the runs (each starts its own WASM module, about 16 MB). */
export const MAX_SHARDS = 8;
/** Models with fewer parameters than this train in one worker unless told otherwise (the tiny model has 22,688; the notebook's 1.3 M). */
export const MIN_SPLIT_PARAMS = 100_000;

export class ShardChoice {
  private readonly pool = new ShardPool();
  private forced: number | null = null;
  /** How many shards train the current experiment (1: no split). */
  count = 1;
  /** The cores the page reports (the worker's own count where it says none). */
  cores: number | undefined;

  /** What the benchmark asked for: `shards` exactly, or none where it fixed a thread count. */
  force(shards: number | undefined, threads: number | undefined): void {
    this.forced = shards !== undefined ? Math.max(1, Math.floor(shards)) : threads !== undefined ? 1 : null;
  }

  /** How this experiment's runs split, or null to train them in one comparison. */
  plan(experiment: Experiment): ShardPlan | null {
    if (tf.getBackend() !== 'wasm') return null;
    const cores = Math.max(1, Math.floor(Number(this.cores ?? globalThis.navigator?.hardwareConcurrency) || 1));
    const small = paramCount(MODEL_PRESETS[experiment.model]) < MIN_SPLIT_PARAMS;
    const n = this.forced ?? (small ? 1 : Math.min(cores - 1, MAX_SHARDS));
    const plan = planShards(experiment.runs.length, n);
    return plan.runs.length > 1 ? { runs: plan.runs, threads: plan.runs.map(() => 1) } : null;
  }

  /**
   * The comparison, split where plan() says so; a split that fails trains in one comparison and is
   * told through `onError`. `changed`: the count differs from the last one (the backend line says it).
   */
  async create(experiment: Experiment, weights: InitialWeights, onError: (message: string) => void): Promise<{ trainee: Trainee; changed: boolean }> {
    const plan = this.plan(experiment);
    let trainee: Trainee | null = null;
    if (plan) {
      try {
        trainee = await ShardedComparison.create(experiment, weights, plan, this.pool.take(plan.runs.length - 1), comparisonConfig(experiment),
          (sub, needs) => createComparison(sub, weights, undefined, needs));
      } catch (e) {
        this.pool.end();
        onError(`the runs could not be split over workers, so they train in one: ${(e as Error).message}`);
      }
    } else this.pool.end();
    const count = trainee && plan ? plan.runs.length : 1;
    const changed = count !== this.count;
    this.count = count;
    return { trainee: trainee ?? createComparison(experiment, weights), changed };
  }
}
