// The store and its actions, driven without React or a worker: a fake engine records what would be sent.
import { beforeEach, describe, expect, it } from 'vitest';
import { addRun, applyPreset, chooseBackend, clearWeights, connectEngine, duplicateRun, importWeights, onWorkerEvent, removeRun, setData, setExperiment, setNotebookExact, setSetting, toggleRunning, updateRun } from '../../src/state/actions';
import { autoplay } from '../../src/state/autoplay';
import { applyExperimentJson } from '../../src/state/share';
import { initialState, labStore } from '../../src/state/store';
import type { ToWorker } from '../../src/worker/protocol';

let sent: ToWorker[];

beforeEach(() => {
  labStore.setState(initialState(), true);
  sent = [];
  connectEngine({ send: (m) => sent.push(m), restart: () => sent.push({ type: 'restart' } as unknown as ToWorker), dispose: () => {} });
});

const s = () => labStore.getState();
const last = () => sent.at(-1)!;
const loaded = () => onWorkerEvent({ type: 'loaded', generation: 1, answerLength: 4, customWeights: [], initMs: 1 });

describe('lab store', () => {
  it('starts the worker on the 6.3.1 preset', () => {
    expect(sent.map((m) => m.type)).toEqual(['setBackend', 'load']);
    expect(s().presetId).toBe('beta-sweep');
    expect(s().experiment.runs).toHaveLength(5);
  });

  it('applies a preset and reloads', () => {
    applyPreset('lr-sweep');
    expect(s().experiment.runs.map((r) => r.optimizer)).toEqual(['sgd', 'sgd', 'sgd', 'adam']);
    expect(last()).toMatchObject({ type: 'load', experiment: { runs: expect.any(Array) } });
    expect(s().presetId).toBe('lr-sweep');
  });

  it('refuses invalid changes with messages and changes nothing', () => {
    const before = s().experiment;
    const n = sent.length;
    expect(updateRun(0, { lr: -1 })[0]).toBe('run 1: learning rate must be in (0, 1e6]');
    expect(updateRun(0, { beta: Number.NaN })[0]).toMatch(/beta/);
    expect(setSetting('steps', 0)[0]).toMatch(/steps/);
    expect(setData([{ prompt: [1], chosen: [2, 99], rejected: [3, 4] }])[0]).toMatch(/99|token/);
    expect(s().experiment).toBe(before);
    expect(sent.length).toBe(n);
  });

  it('changes a run live once training has started, and marks the step', () => {
    loaded();
    onWorkerEvent({ type: 'state', generation: 1, state: 'paused', step: 12 });
    expect(updateRun(1, { beta: 0.7 })).toEqual([]);
    expect(last()).toEqual({ type: 'updateRun', run: 1, patch: { beta: 0.7 } });
    expect(s().changes).toEqual([{ run: 1, step: 12, text: 'β 0.7' }]);
    expect(s().experiment.runs[1]!.beta).toBe(0.7);
    expect(s().presetId).toBeNull();
  });

  it('adds, duplicates and removes runs within 1..8, reloading each time', () => {
    addRun();
    addRun();
    addRun();
    expect(s().experiment.runs).toHaveLength(8);
    addRun();
    expect(s().experiment.runs).toHaveLength(8);
    expect(s().notices.at(-1)!.text).toMatch(/at most 8 runs/);
    for (let i = 0; i < 7; i++) removeRun(0);
    expect(s().experiment.runs).toHaveLength(1);
    removeRun(0);
    expect(s().notices.at(-1)!.text).toMatch(/at least one run/);
    duplicateRun(0);
    expect(s().experiment.runs[1]).toMatchObject({ loss: s().experiment.runs[0]!.loss, beta: s().experiment.runs[0]!.beta });
    expect(last().type).toBe('load');
  });

  it('appends metric deltas from the current load only', () => {
    loaded();
    const tick = (generation: number, from: number, loss: number[]) => onWorkerEvent({
      type: 'tick', generation, step: from + loss.length, speed: { stepsPerSecond: 10, msPerStep: 100, firstStepMs: 50 }, distribution: null,
      delta: { runs: s().experiment.runs.map(() => ({ metrics: { loss }, status: { state: 'ok' } })) },
    });
    tick(1, 0, [1, 0.9]);
    tick(1, 2, [0.8]);
    tick(0, 3, [123]); // from an earlier load: ignored
    expect(s().series[0]!.metrics.loss).toEqual([1, 0.9, 0.8]);
    expect(s().training).toMatchObject({ step: 3, stepsPerSecond: 10 });
  });

  it('tells the user when a run diverges', () => {
    loaded();
    onWorkerEvent({
      type: 'tick', generation: 1, step: 3, speed: null, distribution: null,
      delta: { runs: s().experiment.runs.map((_, i) => ({ metrics: {}, status: i === 2 ? { state: 'diverged', step: 2, reason: 'the loss became NaN at step 3' } : { state: 'ok' } })) },
    });
    expect(s().notices.map((n) => n.text)).toContain('Run 3 stopped: the loss became NaN at step 3. It stays stopped until Reset trains it again from step 0.');
  });

  it('switches backend in a fresh worker and reloads, imported weights included', () => {
    const weights = new Float32Array([1, 2, 3]).buffer;
    importWeights('policy', weights);
    sent = [];
    chooseBackend('cpu');
    expect(sent.map((m) => m.type)).toEqual(['restart', 'setBackend', 'load']);
    expect(sent[1]).toEqual({ type: 'setBackend', choice: 'cpu' });
    const load = sent[2] as Extract<ToWorker, { type: 'load' }>;
    expect(new Float32Array(load.policy as ArrayBuffer)).toEqual(new Float32Array([1, 2, 3]));
    clearWeights('policy');
    sent = [];
    chooseBackend('wasm');
    expect((sent[2] as Extract<ToWorker, { type: 'load' }>).policy).toBeUndefined();
  });

  it('toggles run and pause from the state the worker reports', () => {
    loaded();
    onWorkerEvent({ type: 'state', generation: 1, state: 'idle', step: 0 });
    toggleRunning();
    expect(last()).toEqual({ type: 'run' });
    onWorkerEvent({ type: 'state', generation: 1, state: 'running', step: 4 });
    toggleRunning();
    expect(last()).toEqual({ type: 'pause' });
  });
});

describe('replaying the notebook exactly', () => {
  it('turns on with the notebook\'s scoring and granularity, keeping the preset, and drops imported weights', () => {
    setSetting('granularity', 'sequence');
    expect(setNotebookExact(true)).toEqual([]);
    expect(s().experiment).toMatchObject({ notebookExact: true, scoring: 'same-position', granularity: 'token' });
    expect(last()).toMatchObject({ type: 'load', experiment: { notebookExact: true }, policy: null, reference: null });
  });

  it('turns off, and says so, when the scoring changes or weights are imported; the rest of the experiment stays', () => {
    applyPreset('beta-sweep');
    setNotebookExact(true);
    const runs = s().experiment.runs;
    setSetting('scoring', 'next-token');
    expect(s().experiment).toMatchObject({ notebookExact: false, scoring: 'next-token' });
    expect(s().experiment.runs).toEqual(runs);
    expect(s().notices.at(-1)!.text).toMatch(/Replaying the notebook exactly is now off: it needs the notebook's scoring/);
    setSetting('scoring', 'same-position');
    setNotebookExact(true);
    importWeights('policy', new ArrayBuffer(8));
    expect(s().experiment.notebookExact).toBe(false);
    expect(s().notices.at(-1)!.text).toMatch(/Imported weights replace the notebook's/);
    expect(last()).toMatchObject({ type: 'load', experiment: { notebookExact: false } });
  });
});

describe('autoplay weighs the experiment first (hostile input 3)', () => {
  it('starts a light experiment, and asks before an expensive one, saying what it would cost', () => {
    expect(autoplay()).toBe(true);
    expect(last()).toEqual({ type: 'run' });
    const heavyPair = { prompt: Array.from({ length: 32 }, (_, i) => i), chosen: Array.from({ length: 16 }, (_, i) => i), rejected: Array.from({ length: 16 }, (_, i) => 31 - i) };
    const experiment = { ...s().experiment, steps: 10_000, granularity: 'sequence', data: Array(8).fill(heavyPair), runs: Array(8).fill(s().experiment.runs[0]) };
    expect(setExperiment(experiment)).toEqual([]);
    const before = sent.length;
    expect(autoplay()).toBe(false);
    expect(sent.slice(before).map((m) => m.type)).not.toContain('run');
    expect(s().notices.at(-1)!.text).toMatch(/would take about \d+(\.\d)? h and 1\.\d GB .* does not start by itself: press Run/);
    expect(s().experiment.runs).toHaveLength(8); // nothing of the experiment is lost
  });
});

describe('the preset an experiment came from, the tiny variant, and run colours', () => {
  it('keeps the preset it was made from through edits, and forgets it for an experiment from elsewhere', () => {
    applyPreset('lr-sweep');
    updateRun(0, { beta: 0.3 });
    expect(s().presetId).toBeNull();
    expect(s().basePresetId).toBe('lr-sweep');
    addRun();
    setSetting('seed', 7);
    expect(s().basePresetId).toBe('lr-sweep');
    expect(applyExperimentJson({ runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] })).toEqual([]);
    expect(s().basePresetId).toBeNull();
  });

  it('on the tiny model a preset applies its tiny run set, and switching the model switches run sets', () => {
    setSetting('model', 'tiny');
    expect(s().presetId).toBe('beta-sweep');
    expect(s().experiment).toMatchObject({ model: 'tiny', steps: 150 });
    expect(s().experiment.runs.map((r) => r.lr)).toEqual([3e-3, 3e-3, 3e-3, 0.1, 0.1]);
    expect(s().notices.at(-1)!.text).toMatch(/tiny run set/);
    applyPreset('dpo-overfits');
    expect(s().experiment).toMatchObject({ model: 'tiny', steps: 300 });
    setSetting('model', 'notebook');
    expect(s().experiment).toMatchObject({ model: 'notebook', steps: 100 });
    expect(s().presetId).toBe('dpo-overfits');
    // A modified experiment keeps its runs when the model changes.
    updateRun(0, { beta: 0.2 });
    setSetting('model', 'tiny');
    expect(s().experiment.runs[0]).toMatchObject({ beta: 0.2, lr: 0.1 });
    expect(s().experiment.steps).toBe(100);
  });

  it('a run keeps its colour slot when another run is removed, added or duplicated', () => {
    expect(s().view.shades).toEqual([0, 1, 2, 0, 1]); // IPO, IPO, IPO, DPO, DPO
    removeRun(0);
    expect(s().view.shades).toEqual([1, 2, 0, 1]);
    addRun(); // a copy of the last (DPO) run: DPO's first free slot
    expect(s().view.shades).toEqual([1, 2, 0, 1, 2]);
    duplicateRun(0); // an IPO run inserted after run 1
    expect(s().view.shades).toEqual([1, 0, 2, 0, 1, 2]);
    expect(s().view.hidden).toHaveLength(6);
    loaded();
    onWorkerEvent({ type: 'state', generation: 1, state: 'paused', step: 3 });
    updateRun(1, { loss: 'dpo' }); // moves to the DPO family: its first free slot there
    expect(s().view.shades).toEqual([1, 3, 2, 0, 1, 2]);
  });
});

describe('notices last as long as they are true (they do not pile up)', () => {
  const texts = () => s().notices.map((n) => n.text);
  const trained = (step: number) => onWorkerEvent({ type: 'state', generation: s().training.generation, state: 'paused', step });

  it('"press Run" and the tiny run set go when training starts; a refusal and a stopped run when the experiment changes', () => {
    loaded();
    trained(40);
    setSetting('model', 'tiny'); // back at step 0, and the tiny run set
    expect(texts()).toEqual([expect.stringMatching(/back at step 0: press Run/), expect.stringMatching(/uses its tiny run set/)]);
    onWorkerEvent({ type: 'loaded', generation: s().training.generation, answerLength: 4, customWeights: [], initMs: 1 });
    onWorkerEvent({ type: 'state', generation: s().training.generation, state: 'running', step: 0 });
    expect(texts()).toEqual([]);
    for (let i = 0; i < 8; i++) addRun();
    expect(texts()).toEqual(['A comparison holds at most 8 runs.']);
    trained(5); // the refusal stays while nothing changed...
    expect(texts()).toHaveLength(1);
    removeRun(0); // ...and goes with the next change
    expect(texts()).toEqual([expect.stringMatching(/back at step 0/)]);
  });

  it('a link\'s notices stay until dismissed or until a preset or another link replaces the experiment; Reset keeps them', async () => {
    const { bootFromUrl, applyLinkState } = await import('../../src/state/share');
    const { decodeLink } = await import('../../src/state/link');
    bootFromUrl('https://lab.example/#v=1&zz=1');
    connectEngine({ send: (m) => sent.push(m), restart: () => {}, dispose: () => {} });
    expect(texts()).toEqual(['Link: ignored unknown setting “zz”.']);
    onWorkerEvent({ type: 'state', generation: s().training.generation, state: 'running', step: 0 });
    setSetting('steps', 50);
    (await import('../../src/state/actions')).reset();
    expect(texts()).toEqual(['Link: ignored unknown setting “zz”.']);
    const other = decodeLink('https://lab.example/#v=1&yy=2');
    applyLinkState(other.state, other.notices);
    expect(texts()).toEqual(['Link: ignored unknown setting “yy”.']);
    applyPreset('lr-sweep');
    expect(texts()).toEqual([]);
  });
});
