// "What to look for" after a tweak: which preset the experiment came from, which runs changed, what each
// changed run is expected to do, which settings differ.
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../src/charts/format';
import { parseExperiment, type Experiment } from '../../src/train/experiment';
import { expectationFor, expectationText, guidanceFor } from '../../src/train/guidance';
import { findPreset } from '../../src/train/presets';

const preset = (id: string, variant: 'spec' | 'tiny' = 'spec'): Experiment => parseExperiment(structuredClone(findPreset(id)![variant]));

describe('guidance after a tweak', () => {
  it('the preset itself, or its tiny variant, is exact', () => {
    expect(guidanceFor(preset('beta-sweep'), 'beta-sweep')).toMatchObject({ exact: true, variant: 'spec', runs: [], removed: [], settings: [] });
    expect(guidanceFor(preset('beta-sweep', 'tiny'), 'beta-sweep')).toMatchObject({ exact: true, variant: 'tiny' });
    expect(guidanceFor(preset('beta-sweep'), null)).toBeNull();
  });

  it('names a changed run, what changed, and the expectation that applies to it now', () => {
    const e = preset('beta-sweep');
    e.runs[1] = { ...e.runs[1]!, beta: 0.25 };
    const g = guidanceFor(e, 'beta-sweep')!;
    expect(g.exact).toBe(false);
    expect(g.runs).toEqual([{ index: 1, change: 'changed', differs: ['beta'], expectation: { kind: 'ipo-target', value: 2 } }]);
    expect(g.removed).toEqual([]);
    expect(expectationText(g.runs[0]!.expectation, formatValue)).toBe('settles where every h_t = 1/(2β) = 2, so σ(βh) stops at σ(1/2) ≈ 0.6225 and π(rejected) levels off');
  });

  it('what a run trains counts too: a LoRA run made full, another rank, other targets', () => {
    const e = preset('lora-dpo');
    expect(guidanceFor(e, 'lora-dpo')!.exact).toBe(true);
    e.runs[1] = { ...e.runs[1]!, policy: 'full' };
    e.runs[2] = { ...e.runs[2]!, loraRank: 2, loraTargets: ['q', 'k', 'v'] };
    const g = guidanceFor(e, 'lora-dpo')!;
    expect(g.exact).toBe(false);
    expect(g.runs.map((n) => [n.index, n.change, n.differs])).toEqual([[1, 'changed', ['policy']], [2, 'changed', ['loraRank', 'loraTargets']]]);
  });

  it('a run switched to another loss gets that loss\'s expectation; added and removed runs are told apart', () => {
    const e = preset('beta-sweep');
    e.runs[3] = { ...e.runs[3]!, loss: 'hinge' };
    e.runs.splice(0, 1); // the IPO β=0.1 run goes
    e.runs.push({ ...e.runs[0]!, loss: 'cdpo', labelSmoothing: 0.1, beta: 0.5, lr: 0.05, optimizer: 'adam' });
    const g = guidanceFor(e, 'beta-sweep')!;
    expect(g.removed.map((r) => [r.loss, r.beta])).toEqual([['ipo', 0.1]]);
    expect(g.runs.map((n) => [n.index, n.change, n.expectation.kind])).toEqual([[2, 'changed', 'hinge'], [4, 'added', 'cdpo-target']]);
    expect(expectationText(g.runs[0]!.expectation, formatValue)).toMatch(/h ≥ 1\/β = 10\)/);
    expect(expectationText(g.runs[1]!.expectation, formatValue)).toMatch(/ln\(\(1−ε\)\/ε\)\/β = 4\.394, σ\(βh\) at 1 − ε = 0\.9$/);
  });

  it('a run removed and another added (a copy of the last, as the editor adds one) is not a changed run', () => {
    const e = preset('beta-sweep');
    e.runs.splice(1, 1); // IPO β=0.5 goes
    e.runs.push({ ...e.runs.at(-1)!, label: '' }); // "Add run": a copy of the last run (DPO β=0.5), at the end
    e.runs[4] = { ...e.runs[4]!, lr: 1e-4 }; // ...given the removed run's lr: one setting (the loss) from it
    const g = guidanceFor(e, 'beta-sweep')!;
    expect(g.removed.map((r) => [r.loss, r.beta])).toEqual([['ipo', 0.5]]);
    expect(g.runs.map((n) => [n.index, n.change])).toEqual([[4, 'added']]);
    // The same run edited in its own place is that run changed
    const inPlace = preset('beta-sweep');
    inPlace.runs[1] = { ...inPlace.runs[1]!, loss: 'dpo' };
    expect(guidanceFor(inPlace, 'beta-sweep')!.runs.map((n) => [n.index, n.change, n.differs])).toEqual([[1, 'changed', ['loss']]]);
  });

  it('lists changed settings, and the notebook run set on the tiny model as a model change', () => {
    const e = preset('dpo-overfits');
    e.steps = 1000;
    expect(guidanceFor(e, 'dpo-overfits')!.settings).toEqual([{ key: 'steps', from: 100, to: 1000 }]);
    const tiny = parseExperiment({ ...preset('beta-sweep'), model: 'tiny' });
    const g = guidanceFor(tiny, 'beta-sweep')!;
    expect(g.variant).toBe('spec');
    expect(g.runs).toEqual([]);
    expect(g.settings).toEqual([{ key: 'model', from: 'notebook', to: 'tiny' }]);
  });

  it('has an expectation for every family, and says so when a loss has none', () => {
    expect(expectationFor({ loss: 'dpo', beta: 0.1, labelSmoothing: 0.1 }).kind).toBe('no-floor');
    expect(expectationFor({ loss: 'ipo_mean', beta: 0.5, labelSmoothing: 0.1 })).toEqual({ kind: 'ipo-target', value: 1 });
    expect(expectationFor({ loss: 'kto' as never, beta: 0.1, labelSmoothing: 0.1 }).kind).toBe('no-floor');
    expect(expectationFor({ loss: 'something-new' as never, beta: 0.1, labelSmoothing: 0.1 }).kind).toBe('unknown');
  });
});
