import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseExperiment, type ExperimentSpec } from '../../src/train/experiment';
import { hMetric, SCALAR_METRICS } from '../../src/train/metrics';
import { createComparison, seededWeights, trainFor } from '../../src/train/session';
import { NOTEBOOK_PAIR } from '../../src/train/data';
import type { Comparison } from '../../src/train/trainer';
import { PER_RUN_MATRICES, STACKED, type WeightLayout } from '../../src/model/weightLayout';
import { applyRunPatch, type RunPatch } from '../../src/train/run';
import { logSoftmax, referenceLogits } from './helpers/reference-llama';

/** A live change as the worker makes it: through applyRunPatch, then into the comparison. */
function patchRun(cmp: Comparison, run: number, patch: RunPatch): void {
  const next = applyRunPatch(cmp.config.runs[run]!, patch);
  if (next.run === null) throw new Error(next.problems.join('; '));
  cmp.updateRun(run, next.run);
}

const BATCHED: WeightLayout = STACKED;
const HYBRID: WeightLayout = PER_RUN_MATRICES;

const tinySpec = (over: Partial<ExperimentSpec> = {}): ExperimentSpec => ({
  model: 'tiny',
  seed: 7,
  steps: 6,
  runs: [
    { label: 'ipo', loss: 'ipo', beta: 0.5, lr: 0.05 },
    { label: 'dpo', loss: 'dpo', beta: 0.1, lr: 0.5 },
    { label: 'adam', loss: 'ipo', beta: 1, lr: 1e-2, optimizer: 'adam' },
  ],
  ...over,
});

async function train(spec: ExperimentSpec, layout: WeightLayout = BATCHED) {
  const e = parseExperiment(spec);
  const cmp = createComparison(e, seededWeights(e), layout);
  await trainFor(cmp, e.steps, { readEvery: 4 });
  const logs = cmp.logs;
  cmp.dispose();
  return logs;
}

describe('comparison trainer', () => {
  it('logs every metric, under its TRL name, once per step and run', async () => {
    const logs = await train(tinySpec());
    for (const log of logs) {
      for (const m of [...SCALAR_METRICS, hMetric(0), hMetric(3)]) {
        expect(log.metrics[m], m).toHaveLength(6);
        expect(log.metrics[m]!.every(Number.isFinite), m).toBe(true);
      }
      expect(log.metrics['rewards/accuracies']!.every((a) => a === 0 || a === 1)).toBe(true);
    }
  });

  it('reports step-0 metrics that agree with a float64 reference model', async () => {
    const e = parseExperiment(tinySpec({ steps: 1 }));
    const { policy, reference } = seededWeights(e);
    const logs = await train(tinySpec({ steps: 1 }));
    const lp = (p: typeof policy, answer: number[]) => {
      const seq = [...NOTEBOOK_PAIR.prompt, ...answer];
      const rows = referenceLogits(p, seq).map(logSoftmax); // same-position scoring
      return answer.map((tok, k) => rows[NOTEBOOK_PAIR.prompt.length + k]![tok]!);
    };
    const [pc, pr, rc, rr] = [lp(policy, NOTEBOOK_PAIR.chosen), lp(policy, NOTEBOOK_PAIR.rejected), lp(reference, NOTEBOOK_PAIR.chosen), lp(reference, NOTEBOOK_PAIR.rejected)];
    const h = pc.map((_, k) => pc[k]! - rc[k]! - (pr[k]! - rr[k]!));
    const ipo = logs[0]!.metrics;
    expect(ipo.pi_rej![0]).toBeCloseTo(Math.exp(pr[3]!), 5);
    expect(ipo.pi_chosen![0]).toBeCloseTo(Math.exp(pc[3]!), 5);
    h.forEach((v, k) => expect(ipo[hMetric(k)]![0]).toBeCloseTo(v, 4));
    expect(ipo.loss![0]).toBeCloseTo(h.reduce((s, v) => s + (v - 1) ** 2, 0) / 4, 4);
    expect(ipo.sigma_margin![0]).toBeCloseTo(1 / (1 + Math.exp(-0.5 * h[3]!)), 5);
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    expect(ipo['logps/rejected']![0]).toBeCloseTo(sum(pr), 4);
    expect(ipo['rewards/chosen']![0]).toBeCloseTo(0.5 * (sum(pc) - sum(rc)), 4);
    expect(ipo['rewards/margins']![0]).toBeCloseTo(0.5 * sum(h), 4);
    const dpo = logs[1]!.metrics;
    expect(dpo.loss![0]).toBeCloseTo(sum(h.map((v) => Math.log1p(Math.exp(-0.1 * v)))) / 4, 4);
  });

  it('is deterministic: the same seed gives identical curves', async () => {
    const a = await train(tinySpec());
    const b = await train(tinySpec());
    expect(b.map((l) => l.metrics)).toEqual(a.map((l) => l.metrics));
    const c = await train(tinySpec({ seed: 8 }));
    expect(c[0]!.metrics.loss).not.toEqual(a[0]!.metrics.loss);
  });

  it('gives the same curves in the stacked and per-run-matrices layouts', async () => {
    const a = await train(tinySpec(), BATCHED);
    for (const layout of [HYBRID]) {
      const b = await train(tinySpec(), layout);
      a.forEach((log, r) => {
        for (const m of ['loss', 'grad_norm', 'pi_rej', 'h/2'] as const) {
          log.metrics[m]!.forEach((v, s) => expect(b[r]!.metrics[m]![s], `${layout.name} run ${r} ${m} step ${s}`).toBeCloseTo(v, 4));
        }
      });
    }
  });

  it('leaks no tensors across training steps', async () => {
    const e = parseExperiment(tinySpec({ steps: 50 }));
    for (const layout of [BATCHED, HYBRID]) {
      const cmp = createComparison(e, seededWeights(e), layout);
      await trainFor(cmp, 3, { readEvery: 1 });
      const before = tf.memory().numTensors;
      await trainFor(cmp, 20, { readEvery: 7 });
      expect(tf.memory().numTensors).toBe(before);
      const beforeDispose = tf.memory().numTensors;
      cmp.dispose();
      expect(tf.memory().numTensors).toBeLessThan(beforeDispose);
    }
  });

  it('stops a diverging run with a clear status while the others go on', async () => {
    for (const layout of [BATCHED, HYBRID]) {
      const logs = await train(tinySpec({
        steps: 12,
        runs: [{ label: 'absurd', loss: 'ipo', beta: 0.1, lr: 1e6 }, { label: 'fine', loss: 'dpo', beta: 0.1, lr: 0.1 }],
      }), layout);
      expect(logs[0]!.status.state).toBe('diverged');
      if (logs[0]!.status.state === 'diverged') expect(logs[0]!.status.reason).toMatch(/became (NaN|Infinity|-Infinity).*learning rate 1000000 is too large/);
      expect(logs[0]!.metrics.loss!.length).toBeLessThan(12);
      expect(logs[0]!.metrics.loss!.every(Number.isFinite)).toBe(true);
      expect(logs[1]!.status.state).toBe('ok');
      expect(logs[1]!.metrics.loss).toHaveLength(12);
      expect(logs[1]!.metrics.loss!.every(Number.isFinite)).toBe(true);
    }
  });

  for (const layout of [BATCHED, HYBRID]) it(`changes a run live without disturbing the others (${layout.name})`, async () => {
    const e = parseExperiment(tinySpec({ steps: 8 }));
    const plain = await train(tinySpec({ steps: 8 }), layout);
    const cmp = createComparison(e, seededWeights(e), layout);
    await trainFor(cmp, 4);
    patchRun(cmp, 0, { optimizer: 'adam', lr: 1e-3 }); // moves run 0 into the Adam group
    patchRun(cmp, 1, { beta: 0.2 });
    await trainFor(cmp, 8);
    expect(cmp.logs[2]!.metrics.loss).toEqual(plain[2]!.metrics.loss); // untouched Adam run: same moments, same curve
    expect(cmp.logs[1]!.metrics.loss!.slice(0, 4)).toEqual(plain[1]!.metrics.loss!.slice(0, 4));
    expect(cmp.logs[1]!.metrics.loss![5]).not.toEqual(plain[1]!.metrics.loss![5]);
    expect(applyRunPatch(cmp.config.runs[0]!, { lr: -1 }).problems.join()).toMatch(/learning rate must be in \(0, 1e6\]/);
    cmp.dispose();
  });

  it('reads the policy distribution at the scored rows for the squeeze view', async () => {
    const e = parseExperiment(tinySpec({ steps: 2 }));
    const cmp = createComparison(e, seededWeights(e), BATCHED);
    await trainFor(cmp, 2);
    const dist = await cmp.logDistribution(1);
    expect(dist).toHaveLength(8); // 2 answers x 4 tokens
    for (const row of dist!) expect(row.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 4);
    cmp.dispose();
  });

  it('keeps every W^T twin of the hybrid layout equal to the transpose of its matrix', async () => {
    const e = parseExperiment(tinySpec({ steps: 15 }));
    const cmp = createComparison(e, seededWeights(e), HYBRID);
    await trainFor(cmp, 15);
    const groups = (cmp as unknown as { groups: { runs: number[]; weights: tf.Tensor[] }[] }).groups;
    expect(groups.map((g) => g.runs)).toEqual([[0, 1], [2]]); // SGD runs, Adam run
    let checked = 0;
    for (const g of groups) {
      const slots = HYBRID.slots(cmp.config.model, g.runs.length);
      slots.forEach((s, i) => {
        if (!s.twin) return;
        const w = slots.findIndex((o) => o.entry === s.entry && o.run === s.run && !o.twin);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.transpose(g.weights[w]!, [0, 2, 1]), g.weights[i]!))).dataSync()[0]!);
        expect(diff).toBe(0);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(20);
    cmp.dispose();
  });

  it('scores the frozen reference once, at the start', async () => {
    const e = parseExperiment(tinySpec());
    const plain = await train(tinySpec());
    const weights = seededWeights(e);
    const cmp = createComparison(e, weights, BATCHED);
    // Scrambling the reference after construction must change nothing: it is never run again.
    for (const data of weights.reference.tensors.values()) data.fill(123);
    await trainFor(cmp, e.steps);
    expect(cmp.logs.map((l) => l.metrics)).toEqual(plain.map((l) => l.metrics));
    cmp.dispose();
  });
});

describe('stopped runs name their real cause (hostile input 10)', () => {
  it('β = 1e-30 blames β; lr 1e6 blows DPO up and collapses Adam IPO to uniform; the sane run goes on', async () => {
    const logs = await train(tinySpec({
      steps: 6,
      runs: [
        { loss: 'ipo', beta: 1e-30, lr: 1e-4 },
        { loss: 'dpo', beta: 0.1, lr: 1e6 },
        { loss: 'ipo', beta: 0.5, lr: 1e6, optimizer: 'adam' },
        { loss: 'dpo', beta: 0.1, lr: 0.1 },
      ],
    }));
    expect(logs.map((l) => l.status.state)).toEqual(['diverged', 'blew-up', 'collapsed', 'ok']);
    const reason = (i: number) => (logs[i]!.status.state === 'ok' ? '' : (logs[i]!.status as { reason: string }).reason);
    expect(reason(0)).toMatch(/before any update, so the learning rate is not the cause: β = 1e-30/);
    expect(reason(1)).toMatch(/learning rate 1000000 is too large/);
    expect(reason(2)).toMatch(/collapsed to the uniform distribution/);
    // A run that blew up or collapsed keeps the step that shows it, then stops; the others go on.
    expect(logs[1]!.metrics.loss!.length).toBeLessThan(6);
    expect(logs[3]!.metrics.loss).toHaveLength(6);
  });
});
