/**
 * A comparison: up to 8 runs (each with its own loss, beta, learning rate and
 * optimizer) that start from one policy initialisation, share one frozen
 * reference and one data set, and step side by side.
 *
 * Runs are stacked into groups, one per optimizer kind and policy (the full
 * model, or one shape of LoRA / DoRA adapters: policy.ts), that step as one
 * graph with a leading run dimension; the weight layout (model/weightLayout.ts)
 * decides how a group's weights sit on the device. The reference log-probs
 * are computed once.
 *
 * What the metrics need stays on the device per group and step, and flush()
 * computes and reads them in batches, so stepping never waits on a read.
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../model/config';
import type { Tensor } from '../model/layers';
import { STACKED, type WeightLayout } from '../model/weightLayout';
import { flattenWeights, packWeights } from '../model/llama';
import { optimizerStep, stackRuns, sumSquaresPerRun, unstackRuns, type RunState } from './groups';
import { adapterPolicy, fullPolicy, initialAdapters, policyKey, type GroupPolicy } from './policy';
import type { NamedTensor } from '../model/safetensors';
import type { ParamSet } from '../model/params';
import type { Granularity, PreferencePair, ScoringMode } from './data';
import { comparisonNeeds, LOSS_CATALOG, type ComparisonNeeds, type OptimizerId } from './catalog';
import { buildScoringConstants, tokenLogProbs, type ScoringConstants } from './logprobs';
import { emptyRunLog, type RunLog } from './metrics';
import { recordStep } from './record';
import { buildObjectiveConstants, runLosses, runStats, STAT_COLUMNS, type ObjectiveConstants, type RunObjective } from './objective';
import { packPairs, type ForwardOptions } from './packing';
import { adapterShapeOf, lossParamsOf, POLICY_KEYS, type Run } from './run';

/** What a comparison trains: validated where it entered (experiment.ts, run.ts); the trainer trusts it. */
export interface ComparisonConfig {
  model: LlamaConfig;
  data: PreferencePair[];
  scoring: ScoringMode;
  granularity: Granularity;
  runs: Run[];
  /** The notebook's forward (packing.ts NOTEBOOK_FORWARD) instead of the standard one; absent = standard. */
  forward?: ForwardOptions;
  /** Seeds the LoRA / DoRA A matrices (the experiment's seed); absent = 0. */
  seed?: number;
  /**
   * What to compute, when these runs are a shard of a larger comparison (the command line's threads):
   * the whole comparison's needs, so each run is scored as it would be with all the others (a
   * reference-free run's h against the reference, every run's KTO kl); absent = these runs' own.
   */
  needs?: ComparisonNeeds;
}

interface Group {
  runs: number[]; // indices into config.runs
  optimizer: OptimizerId;
  /** What the group trains; `weights` is its trainable list. */
  policy: GroupPolicy;
  weights: Tensor[];
  m: Tensor[] | null;
  v: Tensor[] | null;
  logDist: Tensor | null; // [G, E, V] from the latest step
}

/** A step of a group whose metrics are not read yet: what the statistics need, kept on the device. */
interface Pending {
  step: number;
  runs: number[];
  objectives: RunObjective[];
  tokenLogp: Tensor; // [G, E]
  loss: Tensor; // [G]
  gradNorm: Tensor; // [G]
}

const COLS = STAT_COLUMNS.length;

/** Throws when run `run` cannot become `next` while it trains (a comparison that computes `computes`). */
export function checkRunUpdate(run: number, before: Run, next: Run, computes: ComparisonNeeds): void {
  const needs = comparisonNeeds([next]);
  if ((needs.reference && !computes.reference) || (needs.mismatched && !computes.mismatched)) {
    throw new Error(`run ${run + 1}: ${LOSS_CATALOG[next.loss].label} needs ${needs.mismatched ? 'the mismatched pairs KTO reads' : 'the reference model'}, which this comparison does not score; reload it`);
  }
  const changed = POLICY_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
  // What a run trains is fixed from its first step: the lab restarts the experiment instead (state/actions.ts).
  if (changed.length > 0) throw new Error(`run ${run + 1}: ${changed.join(', ')} cannot change while the run trains; restart the experiment`);
}

export class Comparison {
  readonly logs: RunLog[];
  private groups: Group[] = [];
  private pending: Pending[] = [];
  private adamSteps: number[];
  private stepCount = 0;
  private readonly scoring: ScoringConstants;
  private readonly objective: ObjectiveConstants;
  /** What this comparison computes for its runs (fixed at construction; see updateRun). */
  readonly computes: ComparisonNeeds;

  constructor(
    readonly config: ComparisonConfig,
    readonly policyInit: ParamSet,
    /** null: every run is reference-free, and none is scored. */
    readonly reference: ParamSet | null,
    readonly layout: WeightLayout,
  ) {
    // Only what the runs need: the reference's log-probs, KTO's mismatched rows (they cost forward rows).
    const needs = config.needs ?? comparisonNeeds(config.runs);
    if (needs.reference && !reference) {
      const readers = config.runs.filter((r) => LOSS_CATALOG[r.loss].usesReference).map((r) => LOSS_CATALOG[r.loss].label);
      throw new Error(`${[...new Set(readers)].join(', ')} needs a reference model`);
    }
    this.computes = needs;
    const packed = packPairs(config.data, config.scoring, config.forward, { mismatched: needs.mismatched });
    this.scoring = buildScoringConstants(config.model, packed);
    // The frozen reference is scored once, never again (and not at all when no run reads it).
    const refLogp = needs.reference && reference ? tf.tidy(() => {
      const refW = packWeights([reference], layout);
      return tokenLogProbs(refW, this.scoring, config.model).tokenLogp;
    }) : null;
    this.objective = buildObjectiveConstants(packed, refLogp, config.granularity);
    refLogp?.dispose();
    this.logs = config.runs.map(() => emptyRunLog(packed.N, needs.mismatched));
    this.adamSteps = config.runs.map(() => 0);
    // One [1, ...] tensor per trainable tensor (a RunState), whatever the group's layout; runs of one shape share it.
    const inits = new Map<string, Tensor[]>();
    const initial = (r: Run) => {
      const shape = adapterShapeOf(r);
      const key = policyKey(r);
      if (!inits.has(key)) inits.set(key, shape ? initialAdapters(policyInit, shape, r, config.seed ?? 0) : flattenWeights(packWeights([policyInit], STACKED)));
      return inits.get(key)!;
    };
    this.buildGroups(config.runs.map((r) => ({ weights: initial(r), m: null, v: null })));
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
      this.pending.push({ step, runs: g.runs, ...next.pending });
    }
  }

  private objectivesOf(runs: number[]): RunObjective[] {
    return runs.map((r) => {
      const run = this.config.runs[r]!;
      return { loss: run.loss, beta: run.beta, params: lossParamsOf(run) };
    });
  }

  private groupStep(g: Group): { state: Pick<Group, 'weights' | 'm' | 'v' | 'logDist'>; pending: Omit<Pending, 'step' | 'runs'> } {
    const c = this.config;
    const runs = this.objectivesOf(g.runs);
    const G = g.runs.length;
    const lr = g.runs.map((r) => c.runs[r]!.lr);
    const sgd = g.optimizer === 'sgd';
    let tokenLogpKept: Tensor | null = null;
    let lossKept: Tensor | null = null;
    const out = tf.tidy(() => {
      let logDist: Tensor | null = null;
      const weightsOf = g.policy.forward(g.weights); // before the tape: what it returns is constant in the backward pass
      const f = (...ws: Tensor[]) => {
        const w = weightsOf(ws);
        const lp = tokenLogProbs(w, this.scoring, c.model);
        const losses = runLosses(lp.tokenLogp, runs, this.objective); // [G]
        // Kept past the gradient's scope: the statistics are computed off the tape, at read time.
        tokenLogpKept = tf.keep(lp.tokenLogp);
        lossKept = tf.keep(losses);
        logDist = tf.keep(lp.logDist);
        // For SGD, differentiate sum_r lr_r L_r: the gradient is then the update itself.
        return (sgd ? tf.sum(tf.mul(losses, tf.tensor1d(lr))) : tf.sum(losses)) as tf.Scalar;
      };
      const { grads } = tf.valueAndGrads(f)(g.weights);
      // For SGD the gradients are of sum_r lr_r L_r: divide the norm back.
      const sumSquares = sumSquaresPerRun(g.policy.slots, grads, G);
      const gradNorm = sgd ? tf.div(tf.sqrt(sumSquares), tf.tensor1d(lr)) : tf.sqrt(sumSquares); // [G]
      const next = optimizerStep(g.optimizer, g.policy.slots, g.weights, grads, g.m, g.v, lr, g.runs.map((r) => this.adamSteps[r]!));
      return { weights: next.weights, m: next.m ?? [], v: next.v ?? [], logDist: logDist as unknown as Tensor, gradNorm };
    });
    return {
      state: { weights: out.weights, m: sgd ? null : out.m, v: sgd ? null : out.v, logDist: out.logDist },
      pending: { objectives: runs, tokenLogp: tokenLogpKept!, loss: lossKept!, gradNorm: out.gradNorm },
    };
  }

  /**
   * Reads every queued step's metrics into the logs; returns the steps read.
   * The statistics of all queued steps of a group with unchanged runs are
   * computed in one batch (rows = steps x runs): far fewer ops than per step.
   */
  async flush(): Promise<number> {
    const pending = this.pending;
    this.pending = [];
    const N = this.objective.N;
    const width = COLS + N + 1;
    const key = (p: Pending) => JSON.stringify([p.runs, p.objectives]);
    let last = -1;
    for (let i = 0; i < pending.length; ) {
      let j = i + 1;
      while (j < pending.length && key(pending[j]!) === key(pending[i]!)) j++;
      const batch = pending.slice(i, j);
      const metrics = tf.tidy(() => {
        const rows = (f: (p: Pending) => Tensor) => (batch.length === 1 ? f(batch[0]!) : tf.concat(batch.map(f)));
        const objectives = batch.flatMap((p) => p.objectives);
        const stats = runStats(rows((p) => p.tokenLogp), objectives, this.objective, rows((p) => p.loss));
        return tf.concat([stats, tf.reshape(rows((p) => p.gradNorm), [objectives.length, 1])], 1);
      });
      const data = await metrics.data();
      metrics.dispose();
      batch.forEach((p, b) => {
        const G = p.runs.length;
        p.runs.forEach((r, k) => recordStep(this.logs[r]!, p.step, data.subarray((b * G + k) * width, (b * G + k + 1) * width), N, this.config.runs[r]!, this.config.model.vocabSize));
        tf.dispose([p.tokenLogp, p.loss, p.gradNorm]);
        last = Math.max(last, p.step);
      });
      i = j;
    }
    return last + 1;
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

  /** Current weights of every run, as parameter sets in run order (LoRA / DoRA runs: merged into the frozen base). */
  async policies(): Promise<ParamSet[]> {
    const out: ParamSet[] = new Array(this.config.runs.length);
    for (const g of this.groups) {
      const sets = await g.policy.policies(g.weights);
      g.runs.forEach((r, i) => (out[r] = sets[i]!));
    }
    return out;
  }

  /** A LoRA / DoRA run's current adapters under PEFT's names; null for a full-model run. */
  async adapters(run: number): Promise<Map<string, NamedTensor> | null> {
    const g = this.groups.find((gr) => gr.runs.includes(run));
    if (!g) return null;
    return (await g.policy.adapters(g.weights))?.[g.runs.indexOf(run)] ?? null;
  }

  /** Replaces a run's settings (a validated Run: applyRunPatch made it) from the next step on. */
  updateRun(run: number, next: Run): void {
    const before = this.config.runs[run]!;
    checkRunUpdate(run, before, next, this.computes);
    const previous = before.optimizer;
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
    for (const g of this.groups) {
      const G = g.runs.length;
      const w = unstackRuns(g.policy.slots, g.weights, G);
      const m = g.m && unstackRuns(g.policy.slots, g.m, G);
      const v = g.v && unstackRuns(g.policy.slots, g.v, G);
      g.runs.forEach((r, i) => (states[r] = { weights: w[i]!, m: m?.[i] ?? null, v: v?.[i] ?? null }));
    }
    this.disposeGroups();
    return states;
  }

  /** Stacks per-run states into groups (optimizer, then policy) by the layout; takes ownership of the states' tensors. */
  private buildGroups(states: RunState[]): void {
    const c = this.config.model;
    const runs = this.config.runs;
    const plan: number[][] = [];
    for (const opt of ['sgd', 'adam'] as const) {
      const keys = new Map<string, number[]>();
      runs.forEach((r, i) => r.optimizer === opt && keys.set(policyKey(r), [...(keys.get(policyKey(r)) ?? []), i]));
      plan.push(...keys.values());
    }
    this.groups = plan.map((members) => {
      const optimizer = runs[members[0]!]!.optimizer;
      const shape = adapterShapeOf(runs[members[0]!]!);
      const policy = shape ? adapterPolicy(c, this.layout, shape, members.map((r) => runs[r]!), this.policyInit) : fullPolicy(c, this.layout, members.length);
      return this.stackGroup(members, optimizer, policy, states);
    });
    const owned = new Set(states.flatMap((s) => [...s.weights, ...(s.m ?? []), ...(s.v ?? [])]));
    tf.dispose([...owned]);
  }

  /** One group from its runs' states (copies: the caller disposes the states). */
  private stackGroup(runs: number[], optimizer: OptimizerId, policy: GroupPolicy, states: RunState[]): Group {
    const members = runs.map((r) => states[r]!);
    const stack = (pick: (s: RunState) => Tensor[]) => stackRuns(policy.slots, members, pick);
    const zerosOr = (x: Tensor[] | null, s: RunState) => x ?? s.weights.map((w) => tf.zerosLike(w));
    const adam = optimizer === 'adam';
    return {
      runs, optimizer, policy, logDist: null,
      weights: stack((s) => s.weights),
      m: adam ? stack((s) => (s.m = zerosOr(s.m, s))) : null,
      v: adam ? stack((s) => (s.v = zerosOr(s.v, s))) : null,
    };
  }

  private disposeGroups(): void {
    for (const g of this.groups) {
      disposeGroupState(g);
      g.policy.dispose();
    }
    this.groups = [];
  }

  dispose(): void {
    this.disposeGroups();
    for (const p of this.pending) tf.dispose([p.tokenLogp, p.loss, p.gradNorm]);
    this.pending = [];
    this.scoring.dispose();
    this.objective.dispose();
  }
}

function disposeGroupState(g: Pick<Group, 'weights' | 'm' | 'v' | 'logDist'>): void {
  tf.dispose([...g.weights, ...(g.m ?? []), ...(g.v ?? []), ...(g.logDist ? [g.logDist] : [])]);
}
