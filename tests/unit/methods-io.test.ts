// KTO and CPO where runs enter and leave: the teaching link (old links keep their meaning), the store and
// its fields, and the command line; bad input (lambda outside (0, 10], CPO alpha < 0, a KTO set of one kind
// of answer) is refused with a clear message everywhere, and nothing else changes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectEngine, onWorkerEvent, setData, updateRun } from '../../src/state/actions';
import { decodeLink, encodeLink } from '../../src/state/link';
import { defaultLinkState, type LinkState } from '../../src/state/linkState';
import { initialState, labStore } from '../../src/state/store';
import { fillSlots } from '../../src/state/shades';
import { NOTEBOOK_PAIR, type PreferencePair } from '../../src/train/data';
import { parseExperiment, type ExperimentSpec } from '../../src/train/experiment';
import { applyRunPatch, RunSchema } from '../../src/train/run';
import type { ToWorker } from '../../src/worker/protocol';

const SECOND: PreferencePair = { prompt: [1, 2, 3], chosen: [4, 5, 6, 7], rejected: [8, 9, 10, 11] };
const ALL_DESIRABLE: PreferencePair[] = [{ ...NOTEBOOK_PAIR, rejectedLabel: 'desirable' }, { ...SECOND, rejectedLabel: 'desirable' }];
const link = (payload: object) => `v=1&s=${compressToEncodedURIComponent(JSON.stringify(payload))}`;
const payloadOf = (hash: string) => JSON.parse(decompressFromEncodedURIComponent(new URLSearchParams(hash).get('s')!)!) as Record<string, unknown>;

function stateWith(spec: Partial<ExperimentSpec>): LinkState {
  const s = defaultLinkState();
  s.presetId = null;
  s.experiment = parseExperiment({ ...s.experiment, ...spec });
  s.view.hidden = s.experiment.runs.map(() => false);
  s.view.shades = fillSlots(s.experiment.runs, []); // each run's colour slot, as the store numbers them
  return s;
}

describe('the teaching link', () => {
  it('round-trips KTO and CPO runs and KTO\'s labels, and leaves out what is at its default', () => {
    const s = stateWith({
      data: [{ ...NOTEBOOK_PAIR, chosenLabel: 'undesirable' }, { ...SECOND, rejectedLabel: 'desirable' }, NOTEBOOK_PAIR],
      runs: [
        { loss: 'kto', beta: 0.1, lr: 0.1, ktoLambdaD: 2, ktoLambdaU: 0.5 },
        { loss: 'cpo', beta: 0.2, lr: 0.01, cpoAlpha: 0.3, cpoVariant: 'ipo' },
        { loss: 'kto', beta: 0.1, lr: 0.1 },
        { loss: 'cpo', beta: 0.2, lr: 0.01 },
      ],
    });
    const hash = encodeLink(s);
    const back = decodeLink(hash);
    expect(back.notices).toEqual([]);
    expect(back.state).toEqual(s);
    const p = payloadOf(hash) as { r: Record<string, unknown>[]; d: unknown[][] };
    expect(p.r[0]).toMatchObject({ l: 'kto', ld: 2, lu: 0.5 });
    expect(p.r[1]).toMatchObject({ l: 'cpo', ca: 0.3, cv: 'ipo' });
    expect(Object.keys(p.r[2]!).sort()).toEqual(['b', 'l', 'r']); // at their defaults: left out
    expect(Object.keys(p.r[3]!).sort()).toEqual(['b', 'l', 'r']);
    expect(p.d.map((row) => row[3] ?? null)).toEqual(['uu', 'dd', null]); // labels only where they differ
  });

  it('a link written before KTO and CPO keeps its meaning: every new field at its default, no notice', () => {
    const old = decodeLink(link({ m: 'tiny', r: [{ l: 'dpo', b: 0.1, r: 0.01, e: 0.2 }], d: [[[1, 2], [3, 4], [5, 6]]] }));
    expect(old.notices).toEqual([]);
    expect(old.state.experiment.runs).toEqual([RunSchema.parse({ loss: 'dpo', beta: 0.1, lr: 0.01, labelSmoothing: 0.2 })]);
    expect(old.state.experiment.runs[0]).toMatchObject({ cpoAlpha: 1, cpoVariant: 'sigmoid', ktoLambdaD: 1, ktoLambdaU: 1 });
    expect(old.state.experiment.data).toEqual([{ prompt: [1, 2], chosen: [3, 4], rejected: [5, 6] }]);
    // And a default experiment still encodes as the bare version.
    expect(encodeLink(defaultLinkState())).toBe('v=1');
  });

  const refused: [string, object, RegExp][] = [
    ['KTO λ_D of 0', { l: 'kto', b: 0.1, r: 0.1, ld: 0 }, /“runs” in the link is not valid \(run 1: KTO λ_D must be in \(0, 10\]\)/],
    ['KTO λ_U above 10', { l: 'kto', b: 0.1, r: 0.1, lu: 10.5 }, /KTO λ_U must be in \(0, 10\]/],
    ['a negative CPO α', { l: 'cpo', b: 0.1, r: 0.1, ca: -0.5 }, /CPO α must be in \[0, 100\]/],
    ['an unknown CPO variant', { l: 'cpo', b: 0.1, r: 0.1, cv: 'simpo' }, /cpoVariant/],
  ];
  for (const [what, run, message] of refused) {
    it(`refuses ${what} with a notice naming it, and keeps the link's other settings`, () => {
      const r = decodeLink(link({ st: 321, m: 'tiny', r: [run] }));
      expect(r.notices.join('\n')).toMatch(message);
      expect(r.state.experiment.runs).toEqual(defaultLinkState().experiment.runs);
      expect(r.state.experiment.steps).toBe(321);
      expect(r.state.experiment.model).toBe('tiny');
    });
  }

  it('an embed can show the GPO view (charts=gpo)', () => {
    const r = decodeLink('v=1&embed=1&charts=gpo,pi-rej');
    expect(r.notices).toEqual([]);
    expect(r.state.embed.charts).toEqual(['gpo', 'pi-rej']);
    expect(encodeLink(r.state)).toBe('v=1&embed=1&charts=gpo%2Cpi-rej');
  });

  it('refuses KTO on answers of one kind: its labels fall back to the pairs\' own, and it says why', () => {
    const s = stateWith({ model: 'tiny', steps: 77, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }], data: ALL_DESIRABLE });
    const p = payloadOf(encodeLink(s));
    const r = decodeLink(link({ ...p, r: [{ l: 'kto', b: 0.1, r: 0.1, ld: 3 }] }));
    expect(r.notices).toEqual([expect.stringMatching(/KTO needs at least one desirable and one undesirable answer, and every answer is marked desirable.*using each pair's own: chosen desirable, rejected undesirable/)]);
    expect(r.state.experiment.data).toEqual([NOTEBOOK_PAIR, SECOND]);
    expect(r.state.experiment.runs[0]).toMatchObject({ loss: 'kto', ktoLambdaD: 3 });
    expect(r.state.experiment.steps).toBe(77);
    // Labels that are not two of d and u: the data falls back, with a notice.
    expect(decodeLink(link({ d: [[[1], [2], [3], 'dx']] })).notices.join()).toMatch(/“data” in the link is not valid/);
  });
});

describe('the store (what the run editor and the data editor show at their fields)', () => {
  let sent: ToWorker[];
  beforeEach(() => {
    labStore.setState(initialState(), true);
    sent = [];
    connectEngine({ send: (m) => sent.push(m), restart: () => {}, dispose: () => {} });
  });
  const experiment = () => labStore.getState().experiment;

  it('refuses λ outside (0, 10] and a negative α with the range, and changes nothing', () => {
    setData([NOTEBOOK_PAIR, SECOND]);
    expect(updateRun(0, { loss: 'kto' })).toEqual([]);
    const before = experiment();
    expect(updateRun(0, { ktoLambdaD: 0 })).toEqual(['run 1: KTO λ_D must be in (0, 10]']);
    expect(updateRun(0, { ktoLambdaU: 10.01 })).toEqual(['run 1: KTO λ_U must be in (0, 10]']);
    expect(updateRun(0, { ktoLambdaU: 10 })).toEqual([]);
    expect(updateRun(1, { cpoAlpha: -1 })).toEqual(['run 2: CPO α must be in [0, 100]']);
    expect(experiment().runs.map((r) => r.ktoLambdaD)).toEqual(before.runs.map((r) => r.ktoLambdaD));
    expect(experiment().runs[1]!.cpoAlpha).toBe(1);
    expect(applyRunPatch(before.runs[0]!, { ktoLambdaD: 10.5 }).run).toBeNull();
  });

  it('refuses KTO on answers of one kind, before and during training, at the loss and at the data', () => {
    expect(setData(ALL_DESIRABLE)).toEqual([]); // the paired losses do not read the labels
    const before = experiment();
    const message = /(^|run 3: )KTO needs at least one desirable and one undesirable answer, and every answer is marked desirable/;
    expect(updateRun(2, { loss: 'kto' }).join()).toMatch(message);
    onWorkerEvent({ type: 'state', generation: 0, state: 'paused', step: 5 });
    expect(updateRun(2, { loss: 'kto' }).join()).toMatch(message);
    expect(experiment()).toEqual(before);
    // With a KTO run, data of one kind is refused at the data editor.
    expect(setData([NOTEBOOK_PAIR, SECOND])).toEqual([]);
    expect(updateRun(2, { loss: 'kto' })).toEqual([]);
    const withKto = experiment();
    expect(setData(ALL_DESIRABLE).join()).toMatch(message);
    expect(setData(ALL_DESIRABLE.map((p) => ({ ...p, chosenLabel: 'undesirable', rejectedLabel: 'undesirable' }))).join()).toMatch(/every answer is marked undesirable/);
    expect(experiment()).toEqual(withKto);
  });

  it('a live switch to KTO restarts the comparison (it needs the mismatched pairs scored); a live λ edit does not', () => {
    onWorkerEvent({ type: 'state', generation: 0, state: 'paused', step: 5 });
    sent = [];
    expect(updateRun(0, { loss: 'kto' })).toEqual([]);
    expect(sent.map((m) => m.type)).toEqual(['load']);
    expect(labStore.getState().notices.at(-1)!.text).toMatch(/KTO needs mismatched prompt\/answer pairs scored, which the running comparison did not do, so training restarted from step 0/);
    onWorkerEvent({ type: 'state', generation: 0, state: 'paused', step: 5 });
    sent = [];
    expect(updateRun(0, { ktoLambdaU: 2 })).toEqual([]);
    expect(updateRun(1, { loss: 'kto' })).toEqual([]); // the comparison has the pairs now: live
    expect(sent).toEqual([{ type: 'updateRun', run: 0, patch: { ktoLambdaU: 2 } }, { type: 'updateRun', run: 1, patch: { loss: 'kto' } }]);
    expect(labStore.getState().changes.map((c) => c.text)).toEqual(['λ_U 2', 'loss kto']);
  });
});

describe('npm run experiment', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cli-methods-'));
  });
  const cli = (...args: string[]) => {
    const r = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const file = (name: string, value?: unknown) => {
    const f = path.join(dir, name);
    if (value !== undefined) writeFileSync(f, JSON.stringify(value));
    return f;
  };
  interface Results { experiment: { runs: Record<string, unknown>[] }; runs: { label: string; loss_type: string; metrics: Record<string, number[]> }[] }
  const results = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Results;

  it('takes the new fields through --run, and a link gives what its experiment as --config gives', () => {
    const r = cli('--preset', 'kto-vs-dpo-ipo', '--model', 'tiny', '--steps', '2', '--backend', 'cpu',
      '--run', '3.ktoLambdaU=2', '--run', '1.loss=cpo', '--run', '1.cpoVariant=hinge', '--run', '1.cpoAlpha=0.5', '--json', file('a.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const a = results(file('a.json'));
    expect(a.runs.map((x) => [x.label, x.loss_type])).toEqual([['CPO-hinge β=0.1 lr=0.01', 'cpo'], ['IPO β=0.1 lr=0.0001', 'ipo'], ['KTO β=0.1 lr=0.01', 'kto']]);
    expect(a.experiment.runs[0]).toMatchObject({ cpoVariant: 'hinge', cpoAlpha: 0.5 });
    expect(a.experiment.runs[2]).toMatchObject({ ktoLambdaU: 2, ktoLambdaD: 1 });
    for (const run of a.runs) expect(run.metrics.kl, run.label).toHaveLength(2);

    const s = stateWith({ model: 'tiny', steps: 2, granularity: 'sequence', data: [{ ...NOTEBOOK_PAIR, rejectedLabel: 'desirable' }, SECOND], runs: a.experiment.runs as never });
    const viaLink = cli('--link', `https://lab.example/#${encodeLink(s)}`, '--backend', 'cpu', '--json', file('b.json'));
    const viaConfig = cli('--config', file('c-config.json', s.experiment), '--backend', 'cpu', '--json', file('c.json'));
    expect([viaLink.code, viaLink.err, viaConfig.code]).toEqual([0, '', 0]);
    expect(results(file('b.json')).runs.map((x) => x.metrics)).toEqual(results(file('c.json')).runs.map((x) => x.metrics));
    expect(results(file('b.json')).experiment).toEqual(results(file('c.json')).experiment);
  });

  const failures: [string, () => string[], RegExp][] = [
    ['KTO λ_D of 0', () => ['--preset', 'kto-vs-dpo-ipo', '--run', '3.ktoLambdaD=0'], /--run 3: KTO λ_D must be in \(0, 10\]/],
    ['KTO λ_U of 11', () => ['--preset', 'kto-vs-dpo-ipo', '--run', '3.ktoLambdaU=11'], /--run 3: KTO λ_U must be in \(0, 10\]/],
    ['a negative CPO α', () => ['--preset', '6.2', '--run', '1.cpoAlpha=-1'], /--run 1: CPO α must be in \[0, 100\]/],
    ['a KTO config whose answers are all desirable', () => ['--config', file('kto.json', { model: 'tiny', data: ALL_DESIRABLE, runs: [{ loss: 'kto', beta: 0.1, lr: 0.1 }] })], /invalid experiment: KTO needs at least one desirable and one undesirable answer/],
    ['a --run switch to KTO on answers all desirable', () => ['--config', file('dpo.json', { model: 'tiny', data: ALL_DESIRABLE, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] }), '--run', '1.loss=kto'], /invalid experiment: KTO needs at least one desirable and one undesirable answer/],
  ];
  for (const [what, args, message] of failures) {
    it(`exits 2 with a clear message on ${what}`, () => {
      const r = cli(...args(), '--backend', 'cpu', '--json', file('never.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(() => readFileSync(file('never.json'))).toThrow(); // nothing trained, nothing written
    });
  }
});
