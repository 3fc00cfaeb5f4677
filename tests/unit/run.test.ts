// The one run type: applyRunPatch is the only way a run changes, in the store, the worker and the trainer,
// and no loss parameter is lost when a run's loss is switched and switched back.
import { beforeEach, describe, expect, it } from 'vitest';
import { connectEngine, onWorkerEvent, updateRun } from '../../src/state/actions';
import { decodeLink, encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { initialState, labStore } from '../../src/state/store';
import { LOSS_IDS, LOSS_PARAM_INFO, type LossParams } from '../../src/train/catalog';
import { parseExperiment } from '../../src/train/experiment';
import { describeRange, LIMITS } from '../../src/train/limits';
import { applyRunPatch, LOSS_PARAM_KEYS, RunSchema, runName, type Run, type RunPatch } from '../../src/train/run';
import { createComparison, trainFor } from '../../src/train/session';
import { Runner } from '../../src/worker/runner';
import type { FromWorker, ToWorker } from '../../src/worker/protocol';

/** A value inside each parameter's range and away from its default. */
const custom: LossParams = { labelSmoothing: 0.2, dpopLambda: 7, simpoGamma: 1.5, cpoAlpha: 2, cpoVariant: 'hinge', ktoLambdaD: 2, ktoLambdaU: 0.5 };
const base = (): Run => RunSchema.parse({ loss: 'cdpo', beta: 0.1, lr: 0.05, ...custom });
const apply = (r: Run, p: RunPatch) => {
  const next = applyRunPatch(r, p);
  if (next.run === null) throw new Error(next.problems.join('; '));
  return next.run;
};

describe('applyRunPatch', () => {
  it('keeps cDPO ε 0.2 through a switch to DPOP, a λ edit, and back (it used to fall back to 0.1)', () => {
    const back = apply(apply(apply(base(), { loss: 'dpop' }), { dpopLambda: 5 }), { loss: 'cdpo' });
    expect(back.loss).toBe('cdpo');
    expect(back.labelSmoothing).toBe(0.2);
  });

  it('keeps every loss parameter through every pair of loss switches, and through a link', () => {
    for (const a of LOSS_IDS) for (const b of LOSS_IDS) {
      const r = apply(apply({ ...base(), loss: a }, { loss: b }), { loss: a });
      for (const k of LOSS_PARAM_KEYS) expect(r[k], `${a} -> ${b} -> ${a}: ${k}`).toBe(custom[k]);
      const s = defaultLinkState();
      s.experiment = parseExperiment({ ...s.experiment, runs: [r] });
      s.view.hidden = [false];
      const decoded = decodeLink(encodeLink(s)).state.experiment.runs[0]!;
      expect(decoded).toEqual(r);
    }
  });

  it('refuses values outside the catalogue and unknown settings, naming the range, and changes nothing', () => {
    const r = base();
    expect(applyRunPatch(r, { lr: 0 }).problems.join()).toContain(`learning rate must be in ${describeRange(LIMITS.lr)}`);
    expect(applyRunPatch(r, { labelSmoothing: 0.5 }).problems.join()).toContain('[0, 0.5)');
    expect(applyRunPatch(r, { labelSmoothing: 0.49 }).run?.labelSmoothing).toBe(0.49);
    expect(applyRunPatch(r, { betta: 1 } as unknown as RunPatch).problems.join()).toMatch(/no setting “betta”/);
    expect(applyRunPatch(r, null).run).toBeNull();
    expect(r).toEqual(base());
  });

  it('the UI reads each parameter\'s range from the same catalogue as the schema', () => {
    for (const k of Object.keys(LOSS_PARAM_INFO) as (keyof typeof LOSS_PARAM_INFO)[]) {
      const range = LOSS_PARAM_INFO[k].range;
      expect(RunSchema.shape[k].safeParse(range.max).success, `${k} max`).toBe(!range.maxOpen);
      expect(RunSchema.shape[k].safeParse(range.min).success, `${k} min`).toBe(!('minOpen' in range && range.minOpen));
    }
  });

  it('names a run after its settings until the user names it', () => {
    const r = RunSchema.parse({ loss: 'ipo', beta: 0.1, lr: 1e-4 });
    expect(runName(r)).toBe('IPO β=0.1 lr=0.0001');
    expect(runName(apply(r, { beta: 0.5 }))).toBe('IPO β=0.5 lr=0.0001');
    expect(runName(apply(r, { label: 'mine' }))).toBe('mine');
  });
});

describe('the same patches in the store, the worker and the trainer', () => {
  let sent: ToWorker[];
  beforeEach(() => {
    labStore.setState(initialState(), true);
    sent = [];
    connectEngine({ send: (m) => sent.push(m), restart: () => {}, dispose: () => {} });
  });

  it('a live loss switch and back trains on the ε the UI shows', async () => {
    // The store, mid-training: patches go to the worker as they are.
    const tiny = { model: 'tiny', steps: 6, runs: [{ loss: 'cdpo', beta: 0.5, lr: 0.1, labelSmoothing: 0.2 }] };
    labStore.setState({ experiment: parseExperiment(tiny) });
    onWorkerEvent({ type: 'state', generation: 0, state: 'paused', step: 3 });
    expect(updateRun(0, { loss: 'dpop' })).toEqual([]);
    expect(updateRun(0, { dpopLambda: 5 })).toEqual([]); // the edit that used to replace every loss parameter
    expect(updateRun(0, { loss: 'cdpo' })).toEqual([]);
    expect(labStore.getState().experiment.runs[0]!.labelSmoothing).toBe(0.2);
    const patches = sent.flatMap((m) => (m.type === 'updateRun' ? [m.patch] : []));
    expect(patches).toEqual([{ loss: 'dpop' }, { dpopLambda: 5 }, { loss: 'cdpo' }]);

    // The worker applies the same patches to its own copy; its comparison then trains exactly like
    // a run that was cDPO ε 0.2 all along (the switches happen before any step, so the curves match).
    const events: FromWorker[] = [];
    const runner = new Runner((m) => events.push(m));
    await runner.handle({ type: 'setBackend', choice: 'cpu' });
    await runner.handle({ type: 'load', experiment: parseExperiment(tiny) });
    for (const patch of patches) await runner.handle({ type: 'updateRun', run: 0, patch });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    await runner.handle({ type: 'step' });
    const tick = events.find((e): e is Extract<FromWorker, { type: 'tick' }> => e.type === 'tick')!;
    const fresh = createComparison(parseExperiment(tiny));
    await trainFor(fresh, 1);
    expect(tick.delta.runs[0]!.metrics.loss).toEqual(fresh.logs[0]!.metrics.loss);
    fresh.dispose();
    await runner.handle({ type: 'reset' });
  });
});

describe('problems name their place once', () => {
  it('a prefix the location already gives is not repeated; other problems get it', async () => {
    const { describeIssues, ExperimentSchema } = await import('../../src/train/experiment');
    const e = structuredClone(defaultLinkState().experiment) as unknown as { steps: number; runs: Record<string, unknown>[] };
    e.steps = 0;
    e.runs[1] = { ...e.runs[1], beta: -1 };
    const r = ExperimentSchema.safeParse(e);
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!, 'run 2: ').sort()).toEqual(['run 2: steps must be in 1..10000', 'run 2: β must be in (0, 10000]']);
    expect(describeIssues(r.error!).sort()).toEqual(['run 2: β must be in (0, 10000]', 'steps must be in 1..10000']);
  });
});
