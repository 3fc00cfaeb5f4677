/**
 * One shard of the lab's runs, as a Web Worker runs it (shard.worker.ts) and
 * as tests run it in-process: a Comparison of some of the runs, driven by
 * messages from the training worker (shardedComparison.ts). Steps are not
 * answered (the training worker does not wait on them); a flush answers with
 * every metric value recorded since the last one, and a command that fails
 * without an answer reports its error at the next flush.
 */
import type { ComparisonNeeds } from '../train/catalog';
import type { Experiment } from '../train/experiment';
import { takeNewValues, type RunLog } from '../train/metrics';
import type { Run } from '../train/run';
import type { InitialWeights } from '../train/session';
import type { Comparison } from '../train/trainer';

/** What the training worker asks of a shard. Indices are the shard's own (0 = its first run). */
export type ToShard =
  | { type: 'init'; id: number; experiment: Experiment; needs: ComparisonNeeds; weights: InitialWeights }
  | { type: 'step' }
  | { type: 'flush'; id: number }
  | { type: 'updateRun'; run: number; next: Run }
  | { type: 'distribution'; id: number; run: number }
  | { type: 'policy'; id: number; run: number }
  | { type: 'adapters'; id: number; run: number }
  | { type: 'dispose' };

export type FromShard = { type: 'reply'; id: number; value?: unknown; error?: string };

/** A flush's answer: the shard's step, and per run the values since the previous flush and its status. */
export interface ShardFlush {
  step: number;
  runs: RunLog[];
}

export type CreateComparison = (e: Experiment, weights: InitialWeights, needs: ComparisonNeeds) => Comparison;

export class ShardHost {
  private cmp: Comparison | null = null;
  private sent: number[] = [];
  /** An error of a command nobody waits on (a step, a run update), told at the next flush. */
  private failed: string | null = null;

  constructor(private readonly create: CreateComparison) {}

  /** Handles one message; the answer, if it has one. */
  async handle(msg: ToShard): Promise<FromShard | null> {
    const id = 'id' in msg ? msg.id : null;
    try {
      const value = await this.run(msg);
      return id === null ? null : { type: 'reply', id, value };
    } catch (e) {
      const error = (e as Error).message;
      if (id === null) {
        this.failed ??= error;
        return null;
      }
      return { type: 'reply', id, error };
    }
  }

  private comparison(): Comparison {
    if (!this.cmp) throw new Error('this shard has no runs yet');
    return this.cmp;
  }

  private async run(msg: ToShard): Promise<unknown> {
    switch (msg.type) {
      case 'init':
        this.cmp?.dispose();
        this.cmp = null;
        this.failed = null;
        this.cmp = this.create(msg.experiment, msg.weights, msg.needs);
        this.sent = msg.experiment.runs.map(() => 0);
        return null;
      case 'step':
        if (this.failed === null) this.comparison().trainStep();
        return null;
      case 'flush':
        return await this.flush();
      case 'updateRun':
        return this.comparison().updateRun(msg.run, msg.next);
      case 'distribution':
        return await this.comparison().logDistribution(msg.run);
      case 'policy':
        return (await this.comparison().policies())[msg.run];
      case 'adapters':
        return await this.comparison().adapters(msg.run);
      case 'dispose':
        this.cmp?.dispose();
        this.cmp = null;
        return null;
    }
  }

  private async flush(): Promise<ShardFlush> {
    const cmp = this.comparison();
    if (this.failed !== null) throw new Error(this.failed);
    await cmp.flush();
    const runs = takeNewValues(cmp.logs, this.sent);
    return { step: cmp.step, runs };
  }
}
