/**
 * The lab on every core, by runs: a comparison whose runs are split into
 * shards (train/shardPlan.ts), the first trained here, each other one in a
 * Web Worker of its own (shard.worker.ts, over a ShardChannel). It answers
 * what the runner asks of a Comparison, in the experiment's run order: a step
 * steps every shard (the others without waiting), a flush gathers every
 * shard's new metric values, and a run's update, distribution or weights go
 * to the shard that holds it. No SharedArrayBuffer is needed, so this works
 * on any page, an embed included; WASM's threads split only matrix products,
 * where whole runs split every op.
 */
import type { NamedTensor } from '../model/safetensors';
import type { ParamSet } from '../model/params';
import { comparisonNeeds, type ComparisonNeeds } from '../train/catalog';
import type { Experiment } from '../train/experiment';
import type { RunLog } from '../train/metrics';
import type { Run } from '../train/run';
import type { InitialWeights } from '../train/session';
import type { ShardPlan } from '../train/shardPlan';
import { checkRunUpdate, type Comparison, type ComparisonConfig } from '../train/trainer';
import type { ShardFlush, ToShard } from './shardHost';

/** What the runner uses of a comparison: a Comparison, or one split over shards. */
export type Trainee = Pick<Comparison, 'logs' | 'step' | 'activeRuns' | 'trainStep' | 'flush' | 'logDistribution' | 'policies' | 'adapters' | 'updateRun' | 'dispose' | 'policyInit' | 'reference' | 'config'>;

/** Messages to one shard, in order; `request` resolves with its answer (the channel numbers it: its `id` is replaced). */
export interface ShardChannel {
  post(msg: ToShard): void;
  request<T>(msg: ToShard & { id: number }): Promise<T>;
}

type Where = { shard: number; index: number };

/** How long the other shards may take to start (a worker, its WASM module, the runs) before the runs train in one. */
export const SHARD_START_MS = 20_000;

export class ShardedComparison implements Trainee {
  readonly logs: RunLog[];
  readonly config: ComparisonConfig;
  readonly policyInit: ParamSet;
  readonly reference: ParamSet | null;
  private readonly computes: ComparisonNeeds;
  private readonly where: Where[];

  private constructor(
    private readonly local: Comparison,
    private readonly remotes: ShardChannel[],
    private readonly plan: ShardPlan,
    config: ComparisonConfig,
    weights: InitialWeights,
  ) {
    this.config = config;
    this.policyInit = weights.policy;
    this.reference = local.reference;
    this.computes = comparisonNeeds(config.runs);
    this.where = [];
    plan.runs.forEach((runs, shard) => runs.forEach((r, index) => (this.where[r] = { shard, index })));
    // The first shard's logs are the local comparison's own; the others' are filled at each flush.
    this.logs = config.runs.map((_, r) => {
      const w = this.where[r]!;
      return w.shard === 0 ? local.logs[w.index]! : { metrics: {}, status: { state: 'ok' } };
    });
  }

  /**
   * Starts the other shards on their runs (each from the same initial weights, scored as the whole
   * comparison is), and the first here with `createLocal`.
   */
  static async create(
    e: Experiment, weights: InitialWeights, plan: ShardPlan, remotes: ShardChannel[], config: ComparisonConfig,
    createLocal: (e: Experiment, needs: ComparisonNeeds) => Comparison,
  ): Promise<ShardedComparison> {
    if (remotes.length !== plan.runs.length - 1) throw new Error(`${plan.runs.length} shards need ${plan.runs.length - 1} workers, not ${remotes.length}`);
    const needs = comparisonNeeds(e.runs);
    const shardOf = (runs: number[]): Experiment => ({ ...e, runs: runs.map((r) => e.runs[r]!) });
    const started = remotes.map((ch, i) => ch.request({ type: 'init', id: 0, experiment: shardOf(plan.runs[i + 1]!), needs, weights }));
    const local = createLocal(shardOf(plan.runs[0]!), needs);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the workers did not start within ${SHARD_START_MS / 1000} s`)), SHARD_START_MS)));
    try {
      await Promise.race([Promise.all(started), late]);
    } catch (err) {
      local.dispose();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return new ShardedComparison(local, remotes, plan, config, weights);
  }

  get step(): number {
    return this.local.step;
  }

  activeRuns(): number[] {
    return this.logs.flatMap((l, i) => (l.status.state === 'ok' ? [i] : []));
  }

  trainStep(): void {
    for (const ch of this.remotes) ch.post({ type: 'step' });
    this.local.trainStep();
  }

  async flush(): Promise<number> {
    const answers = this.remotes.map((ch) => ch.request<ShardFlush>({ type: 'flush', id: 0 }));
    const read = await this.local.flush();
    const flushed = await Promise.all(answers);
    flushed.forEach((f, i) => {
      this.plan.runs[i + 1]!.forEach((r, k) => {
        const log = this.logs[r]!;
        const delta = f.runs[k]!;
        for (const [name, values] of Object.entries(delta.metrics)) (log.metrics[name] ??= []).push(...values);
        log.status = delta.status;
      });
    });
    return read;
  }

  logDistribution(run: number): Promise<Float32Array[] | null> {
    const w = this.at(run);
    return w.shard === 0 ? this.local.logDistribution(w.index) : this.remote(w).request({ type: 'distribution', id: 0, run: w.index });
  }

  async policies(): Promise<ParamSet[]> {
    const local = await this.local.policies();
    return Promise.all(this.config.runs.map((_, r) => {
      const w = this.at(r);
      return w.shard === 0 ? local[w.index]! : this.remote(w).request<ParamSet>({ type: 'policy', id: 0, run: w.index });
    }));
  }

  adapters(run: number): Promise<Map<string, NamedTensor> | null> {
    const w = this.at(run);
    return w.shard === 0 ? this.local.adapters(w.index) : this.remote(w).request({ type: 'adapters', id: 0, run: w.index });
  }

  updateRun(run: number, next: Run): void {
    const w = this.at(run);
    // Checked here, against the whole comparison, so a refusal is told at once, as for one comparison.
    checkRunUpdate(run, this.config.runs[run]!, next, this.computes);
    this.config.runs[run] = next;
    if (w.shard === 0) this.local.updateRun(w.index, next);
    else this.remote(w).post({ type: 'updateRun', run: w.index, next });
  }

  dispose(): void {
    this.local.dispose();
    for (const ch of this.remotes) ch.post({ type: 'dispose' });
  }

  private at(run: number): Where {
    const w = this.where[run];
    if (!w) throw new Error(`there is no run ${run + 1}`);
    return w;
  }

  private remote(w: Where): ShardChannel {
    return this.remotes[w.shard - 1]!;
  }

}
