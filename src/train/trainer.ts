/**
 * A comparison: up to 8 runs (each with its own loss, beta, learning rate and
 * optimizer) that start from one policy initialisation, share one frozen
 * reference and one data set, and step side by side.
 *
 * Runs are stacked into groups that step as one graph with a leading run
 * dimension. The layout decides the grouping: 'batched' puts every run of an
 * optimizer kind in one group (fewest ops: best for small models and GPU
 * backends); 'per-run' gives each run its own group, which keeps WASM matmuls
 * on XNNPACK (see layers.ts). The reference log-probs are computed once.
 *
 * Metrics stay on the device as one [G, columns] tensor per group and step,
 * and are read back in batches by flush(), so stepping never waits on a read.
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../model/config';
import type { LinearOptions, Tensor } from '../model/layers';
import { flattenWeights, packWeights, unflattenWeights, unpackWeights } from '../model/llama';
import type { ParamSet } from '../model/params';
import { validateData, type Granularity, type PreferencePair, type ScoringMode } from './data';
import { DEFAULT_LOSS_PARAMS, MAX_RUNS, type LossId, type LossParams, type OptimizerId } from './catalog';
import { buildScoringConstants, tokenLogProbs, type ScoringConstants } from './logprobs';
import { emptyRunLog, hMetric, type RunLog, type ScalarMetric } from './metrics';
import { buildObjectiveConstants, objective, STAT_COLUMNS, type ObjectiveConstants } from './objective';
import { adamStep, sgdStep } from './optimizers';
import { packPairs } from './packing';


export interface RunConfig {
  label: string;
  loss: LossId;
  beta: number;
  lr: number;
  optimizer: OptimizerId;
  lossParams?: Partial<LossParams>;
}

export interface ComparisonConfig {
  model: LlamaConfig;
  data: PreferencePair[];
  scoring: ScoringMode;
  granularity: Granularity;
  runs: RunConfig[];
}

export interface Layout extends LinearOptions {
  grouping: 'batched' | 'per-run';
}

interface Group {
  runs: number[]; // indices into config.runs
  optimizer: OptimizerId;
  weights: Tensor[];
  m: Tensor[] | null;
  v: Tensor[] | null;
  logDist: Tensor | null; // [G, E, V] from the latest step
}

/** One run's tensors, each [1, ...]. */
interface RunState {
  weights: Tensor[];
  m: Tensor[] | null;
  v: Tensor[] | null;
}

interface Pending {
  step: number;
  group: Group;
  metrics: Tensor; // [G, columns]
}

const COLS = STAT_COLUMNS.length;

export class Comparison {
  readonly logs: RunLog[];
  private groups: Group[] = [];
  private pending: Pending[] = [];
  private adamSteps: number[];
  private stepCount = 0;
  private readonly scoring: ScoringConstants;
  private readonly objective: ObjectiveConstants;

  constructor(
    readonly config: ComparisonConfig,
    readonly policyInit: ParamSet,
    readonly reference: ParamSet,
    readonly layout: Layout,
  ) {
    const problems = validateConfig(config);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const packed = packPairs(config.data, config.scoring);
    this.scoring = buildScoringConstants(config.model, packed);
    // The frozen reference is scored once, never again.
    const refLogp = tf.tidy(() => {
      const refW = packWeights([reference]);
      return tokenLogProbs(refW, this.scoring, config.model, layout).tokenLogp;
    });
    this.objective = buildObjectiveConstants(packed, refLogp, config.granularity);
    refLogp.dispose();
    this.logs = config.runs.map(() => emptyRunLog(packed.N));
    this.adamSteps = config.runs.map(() => 0);
    const init = flattenWeights(packWeights([policyInit]));
    this.buildGroups(config.runs.map(() => ({ weights: init, m: null, v: null })));
  }

  get step(): number {
    return this.stepCount;
  }

  /** Runs still training (not diverged). */
  activeRuns(): number[] {
    return this.logs.flatMap((l, i) => (l.status.state === 'ok' ? [i] : []));
  }

  /** One optimisation step of every active run; metrics are queued, not read. */
  trainStep(): void {
    const step = this.stepCount++;
    for (const g of this.groups) {
      if (g.runs.every((r) => this.logs[r]!.status.state !== 'ok')) continue; // nothing left to train here
      if (g.optimizer === 'adam') for (const r of g.runs) this.adamSteps[r]!++;
      const next = this.groupStep(g);
      disposeGroupState(g);
      Object.assign(g, next.state);
      this.pending.push({ step, group: g, metrics: next.metrics });
    }
  }

  private groupStep(g: Group): { state: Pick<Group, 'weights' | 'm' | 'v' | 'logDist'>; metrics: Tensor } {
    const c = this.config;
    const runs = g.runs.map((r) => ({ ...c.runs[r]!, params: { ...DEFAULT_LOSS_PARAMS, ...c.runs[r]!.lossParams } }));
    const G = g.runs.length;
    const lr = runs.map((r) => r.lr);
    const sgd = g.optimizer === 'sgd';
    const out = tf.tidy(() => {
      let stats: Tensor | null = null;
      let logDist: Tensor | null = null;
      const f = (...ws: Tensor[]) => {
        const w = unflattenWeights(ws, c.model.numLayers);
        const lp = tokenLogProbs(w, this.scoring, c.model, this.layout);
        const o = objective(lp.tokenLogp, runs, this.objective, sgd ? lr : null);
        stats = tf.keep(o.stats); // gradients run f in a scope that would dispose it
        logDist = tf.keep(lp.logDist);
        return o.total as tf.Scalar;
      };
      const { grads } = tf.valueAndGrads(f)(g.weights);
      const s = stats as unknown as Tensor;
      // For SGD the gradients are of sum_r lr_r L_r: divide the norm back.
      const sumSquares = tf.addN(grads.map((gr) => tf.reshape(tf.sum(tf.square(gr), [1, 2]), [G])));
      const gradNorm = sgd ? tf.div(tf.sqrt(sumSquares), tf.tensor1d(lr)) : tf.sqrt(sumSquares); // [G]
      const next = sgd
        ? { weights: sgdStep(g.weights, grads), m: [], v: [] }
        : adamStep(g.weights, grads, g.m!, g.v!, lr, g.runs.map((r) => this.adamSteps[r]!));
      const metrics = tf.concat([s, tf.reshape(gradNorm, [G, 1])], 1);
      tf.dispose(s);
      return { ...next, logDist: logDist as unknown as Tensor, metrics };
    });
    return {
      state: { weights: out.weights, m: sgd ? null : out.m, v: sgd ? null : out.v, logDist: out.logDist },
      metrics: out.metrics,
    };
  }

  /** Reads every queued step's metrics into the logs; returns the steps read. */
  async flush(): Promise<number> {
    const pending = this.pending;
    this.pending = [];
    const N = this.objective.N;
    let last = -1;
    for (const p of pending) {
      const data = await p.metrics.data();
      p.metrics.dispose();
      const width = COLS + N + 1;
      p.group.runs.forEach((r, i) => {
        const row = data.subarray(i * width, (i + 1) * width);
        this.record(r, p.step, row);
      });
      last = Math.max(last, p.step);
    }
    return last + 1;
  }

  private record(run: number, step: number, row: Float32Array | Int32Array | Uint8Array): void {
    const log = this.logs[run]!;
    if (log.status.state !== 'ok') return;
    const N = this.objective.N;
    const col = (name: (typeof STAT_COLUMNS)[number]) => row[STAT_COLUMNS.indexOf(name)]!;
    const gradNorm = row[COLS + N]!;
    if (!Number.isFinite(col('loss')) || !Number.isFinite(gradNorm)) {
      const bad = Number.isFinite(col('loss')) ? `the gradient norm became ${gradNorm}` : `the loss became ${col('loss')}`;
      log.status = { state: 'diverged', step, reason: `${bad} at step ${step + 1}; learning rate ${this.config.runs[run]!.lr} is too large for this run` };
      return;
    }
    const m = log.metrics;
    const push = (name: ScalarMetric, v: number) => m[name]!.push(v);
    for (const name of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies', 'logps/chosen', 'logps/rejected', 'sigma_margin'] as const) {
      push(name, col(name));
    }
    push('grad_norm', gradNorm);
    // Exponentiate in float64 on the host: the log-prob keeps 1e-30 and below exact (SPEC 6).
    push('pi_chosen', Math.exp(col('logp_last_chosen')));
    push('pi_rej', Math.exp(col('logp_last_rejected')));
    for (let k = 0; k < N; k++) m[hMetric(k)]!.push(row[COLS + k]!);
  }

  /**
   * The policy's next-token log-distribution at the scored rows of the latest
   * step for one run: [entries][V], entries ordered [branch][pair][k].
   */
  async logDistribution(run: number): Promise<Float32Array[] | null> {
    const g = this.groups.find((gr) => gr.runs.includes(run));
    if (!g?.logDist) return null;
    const [, E, V] = g.logDist.shape as [number, number, number];
    const i = g.runs.indexOf(run);
    const data = (await g.logDist.data()) as Float32Array;
    return Array.from({ length: E }, (_, e) => data.slice((i * E + e) * V, (i * E + e + 1) * V));
  }

  /** Current weights of every run, as parameter sets in run order. */
  async policies(): Promise<ParamSet[]> {
    const out: ParamSet[] = new Array(this.config.runs.length);
    for (const g of this.groups) {
      const sets = await unpackWeights(unflattenWeights(g.weights, this.config.model.numLayers), this.config.model);
      g.runs.forEach((r, i) => (out[r] = sets[i]!));
    }
    return out;
  }

  /** Changes a run's loss, beta, learning rate or optimizer from the next step on. */
  updateRun(run: number, patch: Partial<RunConfig>): void {
    const next = { ...this.config.runs[run]!, ...patch };
    const problems = validateRun(next, run);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const previous = this.config.runs[run]!.optimizer;
    this.config.runs[run] = next;
    if (next.optimizer !== previous) {
      const states = this.splitGroups();
      tf.dispose([...(states[run]!.m ?? []), ...(states[run]!.v ?? [])]);
      states[run] = { ...states[run]!, m: null, v: null }; // a new optimizer starts with fresh moments
      this.adamSteps[run] = 0;
      this.buildGroups(states);
    }
  }

  /** Per-run slices [1, ...] of every group's weights and moments; the groups are emptied. */
  private splitGroups(): RunState[] {
    const states: RunState[] = new Array(this.config.runs.length);
    const slices = (list: Tensor[], i: number) => list.map((t) => tf.slice(t, i, 1));
    for (const g of this.groups) {
      g.runs.forEach((r, i) => {
        states[r] = { weights: slices(g.weights, i), m: g.m && slices(g.m, i), v: g.v && slices(g.v, i) };
      });
    }
    this.disposeGroups();
    return states;
  }

  /** Stacks per-run states into groups by the layout; takes ownership of the states' tensors. */
  private buildGroups(states: RunState[]): void {
    const byOpt = (opt: OptimizerId) => this.config.runs.flatMap((r, i) => (r.optimizer === opt ? [i] : []));
    const plan: number[][] = this.layout.grouping === 'per-run'
      ? this.config.runs.map((_, i) => [i])
      : (['sgd', 'adam'] as const).map(byOpt).filter((g) => g.length > 0);
    const stack = (lists: Tensor[][]) => lists[0]!.map((_, t) => (lists.length === 1 ? tf.clone(lists[0]![t]!) : tf.concat(lists.map((l) => l[t]!))));
    this.groups = plan.map((runs) => {
      const optimizer = this.config.runs[runs[0]!]!.optimizer;
      const weights = stack(runs.map((r) => states[r]!.weights));
      const moments = (pick: (s: RunState) => Tensor[] | null) =>
        optimizer === 'adam' ? stack(runs.map((r) => pick(states[r]!) ?? states[r]!.weights.map((w) => tf.zerosLike(w)))) : null;
      return { runs, optimizer, weights, m: moments((s) => s.m), v: moments((s) => s.v), logDist: null };
    });
    const owned = new Set(states.flatMap((s) => [...s.weights, ...(s.m ?? []), ...(s.v ?? [])]));
    tf.dispose([...owned]);
  }

  private disposeGroups(): void {
    for (const g of this.groups) disposeGroupState(g);
    this.groups = [];
  }

  dispose(): void {
    this.disposeGroups();
    for (const p of this.pending) p.metrics.dispose();
    this.pending = [];
    this.scoring.dispose();
    this.objective.dispose();
  }
}

function disposeGroupState(g: Group): void {
  tf.dispose([...g.weights, ...(g.m ?? []), ...(g.v ?? []), ...(g.logDist ? [g.logDist] : [])]);
}

export function validateRun(r: RunConfig, i: number): string[] {
  const where = `run ${i + 1}${r.label ? ` (${r.label})` : ''}`;
  const errors: string[] = [];
  if (!(r.beta > 0 && r.beta <= 1e4)) errors.push(`${where}: beta must be a number in (0, 10000], got ${r.beta}`);
  if (!(r.lr > 0 && r.lr <= 1e6)) errors.push(`${where}: learning rate must be a number in (0, 1e6], got ${r.lr}`);
  const eps = r.lossParams?.labelSmoothing;
  if (eps !== undefined && !(eps >= 0 && eps < 0.5)) errors.push(`${where}: label smoothing must be in [0, 0.5), got ${eps}`);
  const lam = r.lossParams?.dpopLambda;
  if (lam !== undefined && !(lam >= 0 && lam <= 1e4)) errors.push(`${where}: DPOP lambda must be in [0, 10000], got ${lam}`);
  const gam = r.lossParams?.simpoGamma;
  if (gam !== undefined && !(gam >= 0 && gam <= 100)) errors.push(`${where}: SimPO gamma must be in [0, 100], got ${gam}`);
  return errors;
}

export function validateConfig(c: ComparisonConfig): string[] {
  const errors: string[] = [];
  if (c.runs.length < 1 || c.runs.length > MAX_RUNS) errors.push(`a comparison has 1 to ${MAX_RUNS} runs, got ${c.runs.length}`);
  c.runs.forEach((r, i) => errors.push(...validateRun(r, i)));
  errors.push(...validateData(c.data, c.model.vocabSize, c.granularity));
  return errors;
}
