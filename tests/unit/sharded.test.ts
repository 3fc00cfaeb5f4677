// The lab on every core: a comparison split over workers (worker/shardedComparison.ts) trains exactly as
// one comparison does. The shards run in-process here, each behind the same message protocol a Web Worker
// speaks (worker/shardHost.ts), every message structured-cloned as postMessage would.
import { describe, expect, it, vi } from 'vitest';
import { comparisonConfig, parseExperiment, type Experiment, type ExperimentSpec } from '../../src/train/experiment';
import { applyRunPatch, type RunPatch } from '../../src/train/run';
import { createComparison, seededWeights } from '../../src/train/session';
import { planShards } from '../../src/train/shardPlan';
import { ShardHost, type FromShard, type ToShard } from '../../src/worker/shardHost';
import { SHARD_START_MS, ShardedComparison, type ShardChannel, type Trainee } from '../../src/worker/shardedComparison';
import { expectAllClose } from '../helpers/close';

/** A shard behind a channel: messages handled one at a time, in order, each a structured clone. */
class InProcessChannel implements ShardChannel {
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  readonly host = new ShardHost((e, weights, needs) => createComparison(e, weights, undefined, needs));

  post(msg: ToShard): void {
    const copy = structuredClone(msg);
    this.queue = this.queue.then(() => this.host.handle(copy));
  }

  request<T>(msg: ToShard & { id: number }): Promise<T> {
    const copy = structuredClone({ ...msg, id: this.nextId++ });
    const answer = this.queue.then(() => this.host.handle(copy)) as Promise<FromShard>;
    this.queue = answer;
    return answer.then((a) => {
      if (a.error !== undefined) throw new Error(a.error);
      return structuredClone(a.value) as T;
    });
  }
}

async function sharded(e: Experiment, shards: number): Promise<Trainee> {
  const weights = seededWeights(e);
  const plan = planShards(e.runs.length, shards);
  const channels = plan.runs.slice(1).map(() => new InProcessChannel());
  return ShardedComparison.create(e, weights, plan, channels, comparisonConfig(e), (sub, needs) => createComparison(sub, weights, undefined, needs));
}

/** Steps both, reading every `readEvery` steps and applying `patches` at their steps (as the worker does). */
async function trainBoth(spec: ExperimentSpec, shards: number, patches: Record<number, [number, RunPatch][]> = {}, readEvery = 3) {
  const e = parseExperiment(spec);
  const one = createComparison(e, seededWeights(e));
  const split = await sharded(e, shards);
  for (const cmp of [one, split] as Trainee[]) {
    while (cmp.step < e.steps && cmp.activeRuns().length > 0) {
      for (const [run, patch] of patches[cmp.step] ?? []) {
        const next = applyRunPatch(cmp.config.runs[run]!, patch);
        cmp.updateRun(run, next.run!);
      }
      cmp.trainStep();
      if (cmp.step % readEvery === 0) await cmp.flush();
    }
    await cmp.flush();
  }
  return { e, one, split };
}

function expectSameLogs(a: Trainee, b: Trainee): void {
  expect(b.logs.length).toBe(a.logs.length);
  a.logs.forEach((log, r) => {
    expect(Object.keys(b.logs[r]!.metrics).sort(), `run ${r + 1}: the same metrics`).toEqual(Object.keys(log.metrics).sort());
    expect(b.logs[r]!.status).toEqual(log.status);
    for (const [name, values] of Object.entries(log.metrics)) expectAllClose(b.logs[r]!.metrics[name]!, values, { rel: 1e-5, abs: 1e-7 }, `run ${r + 1} ${name}`);
  });
}

const spec = (runs: ExperimentSpec['runs'], over: Partial<ExperimentSpec> = {}): ExperimentSpec => ({ model: 'tiny', seed: 3, steps: 7, runs, ...over });

describe('runs split over workers', () => {
  it('train as one comparison: every metric of every run, the steps, the shards as planned', async () => {
    const { one, split } = await trainBoth(spec([
      { loss: 'ipo', beta: 0.5, lr: 0.05 }, { loss: 'dpo', beta: 0.1, lr: 0.5 }, { loss: 'ipo', beta: 1, lr: 1e-2, optimizer: 'adam' },
      { loss: 'dpo', beta: 0.5, lr: 0.1 }, { loss: 'cdpo', beta: 0.1, lr: 0.3, labelSmoothing: 0.2 },
    ]), 2);
    expect(split.step).toBe(7);
    expect(split.logs[4]!.metrics.loss!.length).toBe(7); // a run of the other shard, every step read
    expectSameLogs(one, split);
  });

  it('score every run as the whole comparison does: KTO\'s kl everywhere, reference-free runs against the reference', async () => {
    // Three shards: [DPO] [SimPO] [KTO]: alone, the first two would not score mismatched pairs, SimPO no reference.
    const { one, split } = await trainBoth(spec([{ loss: 'dpo', beta: 0.1, lr: 0.3 }, { loss: 'simpo', beta: 0.1, lr: 0.3 }, { loss: 'kto', beta: 0.1, lr: 0.3 }], { granularity: 'sequence' }), 3);
    expect(Object.keys(split.logs[0]!.metrics)).toContain('kl');
    expectSameLogs(one, split);
  });

  it('take a run\'s changes where it trains (β, the optimizer), and refuse what one comparison refuses, at once', async () => {
    const runs: ExperimentSpec['runs'] = [{ loss: 'dpo', beta: 0.1, lr: 0.3 }, { loss: 'ipo', beta: 0.5, lr: 0.05 }, { loss: 'dpo', beta: 0.5, lr: 0.1 }];
    const { e, one, split } = await trainBoth(spec(runs), 2, { 2: [[2, { beta: 0.25 }]], 4: [[2, { optimizer: 'adam', lr: 0.01 }], [0, { beta: 1 }]] });
    expectSameLogs(one, split);
    expect(split.config.runs[2]!.optimizer).toBe('adam');
    const kto = applyRunPatch(e.runs[2]!, { loss: 'kto' }).run!;
    expect(() => split.updateRun(2, kto)).toThrow(/KTO needs the mismatched pairs KTO reads/);
    expect(() => split.updateRun(2, { ...e.runs[2]!, policy: 'lora' })).toThrow(/policy cannot change while the run trains/);
  });

  it('stop a run of another shard that blows up, and keep training the rest', async () => {
    const { one, split } = await trainBoth(spec([{ loss: 'dpo', beta: 0.1, lr: 0.3 }, { loss: 'dpo', beta: 0.1, lr: 1e6 }]), 2);
    expect(split.logs[1]!.status.state).not.toBe('ok');
    expect(split.activeRuns()).toEqual([0]);
    expectSameLogs(one, split);
  });

  it('give up on workers that do not start, or fail to, so the runs can train in one comparison', async () => {
    const e = parseExperiment(spec([{ loss: 'dpo', beta: 0.1, lr: 0.3 }, { loss: 'ipo', beta: 0.5, lr: 0.05 }]));
    const weights = seededWeights(e);
    const make = (ch: ShardChannel) => ShardedComparison.create(e, weights, planShards(2, 2), [ch], comparisonConfig(e), (sub, needs) => createComparison(sub, weights, undefined, needs));
    const failing: ShardChannel = { post: () => {}, request: () => Promise.reject(new Error('WASM did not start in a training worker')) };
    await expect(make(failing)).rejects.toThrow(/WASM did not start/);
    vi.useFakeTimers();
    try {
      const silent: ShardChannel = { post: () => {}, request: () => new Promise(() => {}) };
      const started = make(silent);
      const outcome = expect(started).rejects.toThrow(`the workers did not start within ${SHARD_START_MS / 1000} s`);
      await vi.advanceTimersByTimeAsync(SHARD_START_MS);
      await outcome;
    } finally {
      vi.useRealTimers();
    }
  });

  it('give each run\'s distribution, weights and adapters from the shard that holds it', async () => {
    const runs: ExperimentSpec['runs'] = [{ loss: 'dpo', beta: 0.1, lr: 0.3 }, { loss: 'dpo', beta: 0.1, lr: 0.3, policy: 'lora', loraRank: 2 }];
    const { one, split } = await trainBoth(spec(runs, { steps: 3 }), 2);
    for (const run of [0, 1]) {
      const [a, b] = [(await one.logDistribution(run))!, (await split.logDistribution(run))!];
      expect(b.length).toBe(a.length);
      a.forEach((row, i) => expectAllClose(Array.from(b[i]!), Array.from(row), { rel: 1e-5, abs: 1e-6 }, `run ${run + 1} distribution`));
    }
    const [pa, pb] = [await one.policies(), await split.policies()];
    for (const [name, data] of pa[1]!.tensors) expectAllClose(Array.from(pb[1]!.tensors.get(name)!), Array.from(data), { rel: 1e-5, abs: 1e-6 }, name);
    const [aa, ab] = [(await one.adapters(1))!, (await split.adapters(1))!];
    expect([...ab.keys()]).toEqual([...aa.keys()]);
    expect(await split.adapters(0)).toBeNull();
    one.dispose();
    split.dispose();
  });
});
