/**
 * Everything that changes the lab: user actions and worker events. Exported
 * outside components (zustand's recommended shape), so the store can be
 * driven and tested without React or a worker.
 */
import { comparisonNeeds, LOSS_CATALOG, needsMore } from '../train/catalog';
import type { PreferencePair } from '../train/data';
import { describeIssues, ExperimentSchema, type Experiment } from '../train/experiment';
import { LIMITS } from '../train/limits';
import { findPreset, type Preset } from '../train/presets';
import { applyRunPatch, POLICY_KEYS, type RunPatch } from '../train/run';
import type { EnginePort } from '../worker/client';
import type { BackendChoice, Distribution, FromWorker, ToWorker, WeightsRole } from '../worker/protocol';
import { lossFamily } from '../train/families';
import { fillSlots } from './shades';
import { endNotices, notify } from './notices';
import { labStore, type LabState, type RunSeries } from './store';

let engine: EnginePort | null = null;
/** Imported weight files, kept so that a new worker (after a backend switch) gets them too. */
const importedWeights: Partial<Record<WeightsRole, ArrayBuffer>> = {};

const get = labStore.getState;
const set = labStore.setState;
const send = (msg: ToWorker, transfer?: Transferable[]) => engine?.send(msg, transfer);

/** Connects the store to a training engine and loads the current experiment. */
export function connectEngine(port: EnginePort): void {
  engine = port;
  send({ type: 'setBackend', choice: get().training.backendChoice });
  reload();
}

const emptySeries = (n: number): RunSeries[] => Array.from({ length: n }, () => ({ metrics: {}, status: { state: 'ok' } }));

/** Sends the experiment to the worker, which restarts it at step 0. */
export function reloadExperiment(): void {
  reload();
}

function reload(weights: { policy?: ArrayBuffer | null; reference?: ArrayBuffer | null } = {}): void {
  for (const role of ['policy', 'reference'] as const) {
    const w = weights[role];
    if (w === null) delete importedWeights[role];
    else if (w) importedWeights[role] = w.slice(0); // our copy; the original is transferred
  }
  const { experiment } = get();
  endNotices('run', 'change');
  set((s) => ({
    series: emptySeries(experiment.runs.length),
    changes: [],
    distribution: null,
    initialDistribution: null,
    training: { ...s.training, state: 'starting', step: 0, stepsPerSecond: null, msPerStep: null, firstStepMs: null },
    view: {
      ...s.view,
      hidden: experiment.runs.map((_, i) => s.view.hidden[i] ?? false),
      shades: fillSlots(experiment.runs, s.view.shades),
      hRun: Math.min(s.view.hRun, experiment.runs.length - 1),
      squeezePair: Math.min(s.view.squeezePair, experiment.data.length - 1),
    },
  }));
  const transfer = [weights.policy, weights.reference].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  send({ type: 'load', experiment, ...weights }, transfer);
}

/**
 * Replaces the experiment after validating it; returns the problems instead
 * when it is invalid (and changes nothing). An edit keeps the preset it was
 * made from (basePresetId left undefined); an experiment from elsewhere passes null.
 */
/** Said when an edit takes a trained experiment back to step 0 (it waits there for Run). */
const CHANGED_NOTICE = 'The experiment changed, so it is back at step 0: press Run to train it.';

export function setExperiment(next: unknown, presetId: string | null = null, basePresetId?: string | null): string[] {
  const r = ExperimentSchema.safeParse(next);
  if (!r.success) return describeIssues(r.error);
  const restarted = get().training.step > 0;
  set((s) => ({ experiment: r.data, presetId, basePresetId: basePresetId === undefined ? s.basePresetId : basePresetId }));
  reload();
  if (restarted) notify('info', CHANGED_NOTICE, 'run');
  return [];
}

/** The preset's run set for a model size: on the tiny model, its tiny variant (larger learning rates, more steps). */
const variantFor = (preset: Preset, model: Experiment['model']) => (model === 'tiny' ? preset.tiny : preset.spec);

/** Applies a preset, in its variant for the model in use. */
export function applyPreset(id: string): void {
  const preset = findPreset(id);
  if (!preset) return notify('error', `There is no preset "${id}".`);
  endNotices('dismissed'); // what was said of the link no longer holds
  const spec = structuredClone(variantFor(preset, get().experiment.model));
  set((s) => ({ view: { ...s.view, hidden: spec.runs.map(() => false), shades: [], hRun: 0 } }));
  setExperiment(spec, preset.id, preset.id);
}

type Settings = Pick<Experiment, 'model' | 'seed' | 'steps' | 'scoring' | 'granularity'>;

/**
 * Turns the notebook's exact replay on (with the scoring and granularity it needs) or off.
 * Imported weights are dropped: the replay's weights come from the seed.
 */
export function setNotebookExact(on: boolean): string[] {
  const { experiment, presetId } = get();
  const next = on ? { ...experiment, notebookExact: true, scoring: 'same-position', granularity: 'token' } : { ...experiment, notebookExact: false };
  const r = ExperimentSchema.safeParse(next);
  if (!r.success) return describeIssues(r.error);
  const restarted = get().training.step > 0;
  set({ experiment: r.data, presetId: on ? presetId : null });
  reload(on ? { policy: null, reference: null } : {});
  if (restarted) notify('info', CHANGED_NOTICE, 'run');
  return [];
}

/** Changes one global setting; the step count applies live, the others restart. */
export function setSetting<K extends keyof Settings>(key: K, value: Settings[K]): string[] {
  const { experiment, presetId } = get();
  if ((key === 'scoring' || key === 'granularity') && experiment.notebookExact && value !== experiment[key]) {
    const problems = setExperiment({ ...experiment, [key]: value, notebookExact: false }, null);
    if (problems.length === 0) notify('info', `Replaying the notebook exactly is now off: it needs the notebook's ${key}.`);
    return problems;
  }
  if (key === 'model' && presetId && value !== experiment.model) {
    // A preset switches to its run set for that model: the notebook's learning rates barely move the tiny model in 100 steps.
    const preset = findPreset(presetId)!;
    const variant = variantFor(preset, value as Experiment['model']);
    const problems = setExperiment({ ...structuredClone(variant), notebookExact: experiment.notebookExact }, presetId, presetId);
    if (problems.length === 0 && value === 'tiny') {
      notify('info', `On the tiny model, §${preset.section} uses its tiny run set (larger learning rates, ${variant.steps} steps): the same story in seconds.`, 'run');
    }
    return problems;
  }
  if (key !== 'steps') return setExperiment({ ...experiment, [key]: value }, null);
  const r = ExperimentSchema.safeParse({ ...experiment, steps: value });
  if (!r.success) return describeIssues(r.error);
  set({ experiment: r.data, presetId });
  send({ type: 'setSteps', steps: r.data.steps });
  return [];
}

export function setData(pairs: PreferencePair[]): string[] {
  return setExperiment({ ...get().experiment, data: pairs }, null);
}

/**
 * Changes a run's loss, beta, learning rate or optimizer. Before the first
 * step this reloads; after it, the run changes live from the next step and
 * the charts mark where. What a run trains (full model, LoRA / DoRA and their
 * settings) is fixed from its first step: changing it restarts the experiment.
 */
export function updateRun(index: number, patch: RunPatch): string[] {
  const { experiment, training } = get();
  const current = experiment.runs[index];
  if (!current) return [`there is no run ${index + 1}`];
  const r = applyRunPatch(current, patch, `run ${index + 1}: `);
  if (r.run === null) return r.problems;
  const runs = experiment.runs.map((run, i) => (i === index ? r.run : run));
  // A run that moves to another loss family takes a free shade there; every other run keeps its colour.
  const moved = lossFamily(r.run.loss) !== lossFamily(current.loss);
  set((s) => ({ view: { ...s.view, shades: fillSlots(runs, s.view.shades.map((x, i) => (moved && i === index ? undefined : x))) } }));
  // A new policy shape (LoRA rank, targets...) is a new model to train: it restarts, as before the first step.
  if (training.step === 0 || POLICY_KEYS.some((k) => k in patch)) return setExperiment({ ...experiment, runs }, null);
  // What needs the runs and the data together (KTO's labels) is checked live too.
  const checked = ExperimentSchema.safeParse({ ...experiment, runs });
  if (!checked.success) return describeIssues(checked.error, `run ${index + 1}: `);
  if (needsMore(experiment.runs, runs)) {
    // The running comparison does not compute what the new loss reads (a reference, KTO's mismatched pairs).
    set({ experiment: checked.data, presetId: null });
    reload();
    notify('info', `${LOSS_CATALOG[r.run.loss].label} needs ${comparisonNeeds([r.run]).mismatched ? 'mismatched prompt/answer pairs scored' : 'the reference model scored'}, which the running comparison did not do, so training restarted from step 0.`);
    return [];
  }
  set((s) => ({
    experiment: { ...s.experiment, runs },
    presetId: null,
    changes: [...s.changes, { run: index, step: training.step, text: describePatch(patch) }],
  }));
  send({ type: 'updateRun', run: index, patch });
  return [];
}

function describePatch(p: RunPatch): string {
  const parts = [
    p.loss && `loss ${p.loss}`, p.beta !== undefined && `β ${p.beta}`, p.lr !== undefined && `lr ${p.lr}`, p.optimizer,
    p.labelSmoothing !== undefined && `ε ${p.labelSmoothing}`, p.dpopLambda !== undefined && `λ ${p.dpopLambda}`, p.simpoGamma !== undefined && `γ ${p.simpoGamma}`,
    p.cpoAlpha !== undefined && `α ${p.cpoAlpha}`, p.cpoVariant && `CPO ${p.cpoVariant}`,
    p.ktoLambdaD !== undefined && `λ_D ${p.ktoLambdaD}`, p.ktoLambdaU !== undefined && `λ_U ${p.ktoLambdaU}`,
  ];
  return parts.filter(Boolean).join(', ') || 'changed';
}

export function addRun(): void {
  const { experiment } = get();
  if (experiment.runs.length >= LIMITS.runs.max) return notify('error', `A comparison holds at most ${LIMITS.runs.max} runs.`);
  const last = experiment.runs.at(-1)!;
  setExperiment({ ...experiment, runs: [...experiment.runs, { ...last, label: '' }] });
}

export function duplicateRun(index: number): void {
  const { experiment } = get();
  if (experiment.runs.length >= LIMITS.runs.max) return notify('error', `A comparison holds at most ${LIMITS.runs.max} runs.`);
  const copy = { ...experiment.runs[index]!, label: experiment.runs[index]!.label ? `${experiment.runs[index]!.label} (copy)` : '' };
  // The copy is inserted after its original: the runs after it keep their visibility and colour.
  const insert = <T,>(xs: T[], x: T) => [...xs.slice(0, index + 1), x, ...xs.slice(index + 1)];
  set((s) => ({ view: { ...s.view, hidden: insert(s.view.hidden, false), shades: insert<number | undefined>(s.view.shades, undefined) as number[] } }));
  setExperiment({ ...experiment, runs: [...experiment.runs.slice(0, index + 1), copy, ...experiment.runs.slice(index + 1)] });
}

export function removeRun(index: number): void {
  const { experiment } = get();
  if (experiment.runs.length <= LIMITS.runs.min) return notify('error', 'A comparison needs at least one run.');
  set((s) => ({ view: { ...s.view, hidden: s.view.hidden.filter((_, i) => i !== index), shades: s.view.shades.filter((_, i) => i !== index) } }));
  setExperiment({ ...experiment, runs: experiment.runs.filter((_, i) => i !== index) });
}

export const run = () => send({ type: 'run' });

/**
 * After the last step: `extra` more steps, and train on. Every run goes on
 * from where it stopped (the worker keeps the comparison; only the step count
 * grows); a diverged run stays stopped.
 */
export function continueTraining(extra: number): string[] {
  const { experiment } = get();
  const steps = Math.min(LIMITS.steps.max, experiment.steps + extra);
  if (steps <= experiment.steps) return [`a run has at most ${LIMITS.steps.max} steps`];
  const problems = setSetting('steps', steps);
  if (problems.length === 0) run();
  return problems;
}
export const pause = () => send({ type: 'pause' });
export const step = () => send({ type: 'step' });
export const reset = () => reload();

export function toggleRunning(): void {
  const state = get().training.state;
  if (state === 'running') pause();
  else if (state !== 'done' && state !== 'starting') run();
}

/**
 * Switches backend in a fresh worker: tfjs keeps a backend's device and
 * buffers alive after switching away, and on software GPUs WebGL can even
 * stall behind WebGPU in the same worker. The experiment restarts.
 */
export function chooseBackend(choice: BackendChoice): void {
  set((s) => ({ training: { ...s.training, backendChoice: choice, backend: null, state: 'starting' } }));
  engine?.restart();
  send({ type: 'setBackend', choice });
  reload({ ...importedWeights });
}

/** Imports safetensors weights for the policy init or the reference; the worker validates and restarts. */
export function importWeights(role: WeightsRole, bytes: ArrayBuffer): void {
  const wasExact = get().experiment.notebookExact;
  if (wasExact) set((s) => ({ experiment: { ...s.experiment, notebookExact: false }, presetId: null }));
  reload({ [role]: bytes }); // ends the last experiment's notices: this one's come after
  if (wasExact) notify('info', 'Imported weights replace the notebook\'s: replaying the notebook exactly is now off.');
}

export function clearWeights(role: WeightsRole): void {
  reload({ [role]: null });
}

export function focusRun(index: number): void {
  set((s) => ({ view: { ...s.view, hRun: index } }));
  send({ type: 'watch', run: index });
}

export function setView(patch: Partial<LabState['view']>): void {
  set((s) => ({ view: { ...s.view, ...patch } }));
}

export function toggleHidden(index: number): void {
  set((s) => ({ view: { ...s.view, hidden: s.view.hidden.map((h, i) => (i === index ? !h : h)) } }));
}

function distributionUpdate(s: LabState, d: Distribution): Partial<LabState> {
  return { distribution: d, ...(s.initialDistribution === null && d.step <= 1 && { initialDistribution: d.logp }) };
}

/** Applies what the worker reports; stale messages from an earlier load are ignored. */
export function onWorkerEvent(msg: FromWorker): void {
  const s = get();
  switch (msg.type) {
    case 'backend':
      return set({ training: { ...s.training, backend: msg.info } });
    case 'loaded':
      return set({
        training: { ...s.training, generation: msg.generation, customWeights: msg.customWeights },
        answerLength: msg.answerLength,
        series: emptySeries(s.experiment.runs.length),
      });
    case 'state':
      if (msg.generation !== s.training.generation) return;
      if (msg.state === 'running') endNotices('run');
      return set({ training: { ...s.training, state: msg.state, step: msg.step } });
    case 'tick': {
      if (msg.generation !== s.training.generation) return;
      // Histories grow in place (no copy of every metric's past at every tick: that was garbage
      // the page had to collect while training); each RunSeries is a new object, so views update.
      const series = s.series.map((old, r) => {
        const d = msg.delta.runs[r];
        if (!d) return old;
        const metrics: Record<string, number[]> = { ...old.metrics };
        for (const [name, values] of Object.entries(d.metrics)) {
          if (values.length === 0) continue;
          const history = (metrics[name] ??= []);
          for (const v of values) history.push(v);
        }
        return { metrics, status: d.status };
      });
      for (const [r, d] of msg.delta.runs.entries()) {
        if (d.status.state !== 'ok' && s.series[r]?.status.state === 'ok') notify('error', `Run ${r + 1} stopped: ${d.status.reason}. It stays stopped until Reset trains it again from step 0.`);
      }
      const speed = msg.speed ?? { stepsPerSecond: s.training.stepsPerSecond, msPerStep: s.training.msPerStep, firstStepMs: s.training.firstStepMs };
      return set({
        series,
        training: { ...get().training, step: Math.max(s.training.step, msg.step), ...speed },
        ...(msg.distribution && distributionUpdate(s, msg.distribution)),
      });
    }
    case 'distribution':
      if (msg.generation !== s.training.generation) return;
      return set(distributionUpdate(s, msg.distribution));
    case 'weights':
      return onWeights(msg.which, msg.bytes);
    case 'error':
      return notify('error', msg.message);
  }
}

type WeightsWhich = Extract<FromWorker, { type: 'weights' }>['which'];
let weightsListener: ((which: WeightsWhich, bytes: ArrayBuffer) => void) | null = null;

/** Where exported weights go (the UI saves them as a file). */
export function onExportedWeights(listener: typeof weightsListener): void {
  weightsListener = listener;
}

function onWeights(which: WeightsWhich, bytes: ArrayBuffer): void {
  weightsListener?.(which, bytes);
}

export function exportWeights(which: WeightsWhich): void {
  send({ type: 'exportWeights', which });
}
