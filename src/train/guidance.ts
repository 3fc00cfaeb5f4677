/**
 * "What to look for" after the experiment has been changed: which preset it
 * came from, which of its runs are still there, what each changed or added
 * run is expected to do (by its loss), and which settings differ. Pure TS;
 * the expectations' wording is in one table (EXPECTATION_TEXT).
 */
import type { Experiment } from './experiment';
import { parseExperiment } from './experiment';
import { findPreset, type Preset } from './presets';
import { RunSchema, type Run } from './run';

export type Expectation =
  | { kind: 'no-floor' }
  | { kind: 'no-floor-dpop' }
  | { kind: 'ipo-target'; value: number }
  | { kind: 'cdpo-target'; value: number; sigma: number }
  | { kind: 'hinge'; value: number }
  | { kind: 'simpo' }
  | { kind: 'orpo' }
  | { kind: 'unknown' };

/** What a run's loss is expected to do with one sure preference (SPEC 1 and each loss's optimum). */
export function expectationFor(run: Pick<Run, 'loss' | 'beta' | 'labelSmoothing'>): Expectation {
  switch (run.loss as string) {
    case 'dpo':
    case 'robust':
    case 'kto':
      return { kind: 'no-floor' };
    case 'dpop':
      return { kind: 'no-floor-dpop' };
    case 'ipo':
    case 'ipo_mean':
      return { kind: 'ipo-target', value: 1 / (2 * run.beta) };
    case 'cdpo':
      return { kind: 'cdpo-target', value: Math.log((1 - run.labelSmoothing) / run.labelSmoothing) / run.beta, sigma: 1 - run.labelSmoothing };
    case 'hinge':
      return { kind: 'hinge', value: 1 / run.beta };
    case 'simpo':
      return { kind: 'simpo' };
    case 'orpo':
      return { kind: 'orpo' };
    default:
      return { kind: 'unknown' };
  }
}

type Fmt = (v: number) => string;

export const EXPECTATION_TEXT: { [K in Expectation['kind']]: (e: Extract<Expectation, { kind: K }>, fmt: Fmt) => string } = {
  'no-floor': () => 'π(rejected) keeps falling with no floor and σ(βh) climbs towards 1, whatever β',
  'no-floor-dpop': () => 'π(rejected) keeps falling with no floor; the DPOP penalty only stops π(chosen) from falling below the reference',
  'ipo-target': (e, fmt) => `settles where every h_t = 1/(2β) = ${fmt(e.value)}, so σ(βh) stops at σ(1/2) ≈ 0.6225 and π(rejected) levels off`,
  'cdpo-target': (e, fmt) => `label smoothing gives a finite optimum: h settles at ln((1−ε)/ε)/β = ${fmt(e.value)}, σ(βh) at 1 − ε = ${fmt(e.sigma)}`,
  hinge: (e, fmt) => `stops pushing once βh passes 1 (h ≥ 1/β = ${fmt(e.value)}): the loss is then exactly 0`,
  simpo: () => 'reference-free, and no floor either: π(rejected) keeps falling once the margin has passed γ',
  orpo: () => 'reference-free: its likelihood term raises π(chosen) while the odds-ratio term pushes π(rejected) down',
  unknown: () => 'no expectation is on record for this loss yet',
};

export function expectationText(e: Expectation, fmt: Fmt): string {
  return (EXPECTATION_TEXT[e.kind] as (e: Expectation, fmt: Fmt) => string)(e, fmt);
}

const SETTINGS = ['model', 'steps', 'seed', 'scoring', 'granularity', 'data'] as const;
export type SettingKey = (typeof SETTINGS)[number];

export interface RunNote {
  index: number;
  /** 'changed': in place of a preset run (what differs is listed); 'added': an extra run. */
  change: 'changed' | 'added';
  differs: (keyof Run)[];
  expectation: Expectation;
}

export interface Guidance {
  preset: Preset;
  /** Which of the preset's two run sets the experiment is closest to. */
  variant: 'spec' | 'tiny';
  /** The experiment is the preset's (the exact replay switch aside). */
  exact: boolean;
  runs: RunNote[];
  /** Preset runs no longer in the experiment (not replaced by a changed run). */
  removed: Run[];
  settings: { key: SettingKey; from: unknown; to: unknown }[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** Every setting of a run but its name: the loss and its parameters, the optimizer, and what trains (full, LoRA, DoRA and theirs). */
const RUN_KEYS = (Object.keys(RunSchema.shape) as (keyof Run)[]).filter((k) => k !== 'label');
/** Whether two runs train the same (names aside; loss parameters only where the loss reads them is not known here, so all). */
const sameRun = (a: Run, b: Run) => RUN_KEYS.every((k) => same(a[k], b[k]));

/** Runs that differ in at most this many settings count as one run changed; more, as a run removed and another added. */
const CHANGED_AT_MOST = 2;

/**
 * Matches the experiment's runs with a preset's: the unmatched ones are changed, added or removed.
 * A run is a preset run changed only where it stands in that run's place: the editor changes a run
 * in place, appends an added one and inserts a copy after its original, so a changed pair keeps the
 * order of the pairs already matched (a run added at the end is not the one removed before it).
 */
function compareRuns(runs: Run[], base: Run[]): { notes: RunNote[]; removed: Run[]; matched: number } {
  const freeBase = base.map(() => true);
  const pairs: [number, number][] = [];
  const exact = runs.map((r, i) => {
    const j = base.findIndex((b, k) => freeBase[k] && sameRun(r, b));
    if (j >= 0) (freeBase[j] = false), pairs.push([i, j]);
    return j >= 0;
  });
  const inOrder = (i: number, j: number) => pairs.every(([a, b]) => (i < a) === (j < b));
  // The closest pairs first: a run edited in one or two settings is that preset run, changed.
  const differs = (i: number, j: number) => RUN_KEYS.filter((k) => !same(runs[i]![k], base[j]![k]));
  const candidates = runs.flatMap((_, i) => (exact[i] ? [] : base.flatMap((_, j) => (freeBase[j] ? [{ i, j, d: differs(i, j) }] : []))))
    .filter((p) => p.d.length <= CHANGED_AT_MOST)
    .sort((a, b) => a.d.length - b.d.length || a.i - b.i || a.j - b.j);
  const was = new Map<number, (keyof Run)[]>();
  for (const p of candidates) {
    if (was.has(p.i) || !freeBase[p.j] || !inOrder(p.i, p.j)) continue;
    freeBase[p.j] = false;
    pairs.push([p.i, p.j]);
    was.set(p.i, p.d);
  }
  const notes: RunNote[] = runs.flatMap((r, i) => (exact[i] ? [] : [{ index: i, change: was.has(i) ? 'changed' as const : 'added' as const, differs: was.get(i) ?? [], expectation: expectationFor(r) }]));
  return { notes, removed: base.filter((_, k) => freeBase[k]), matched: exact.filter(Boolean).length };
}

/** The guidance for an experiment made from preset `presetId`, or null when there is no such preset. */
export function guidanceFor(experiment: Experiment, presetId: string | null): Guidance | null {
  const preset = presetId ? findPreset(presetId) : undefined;
  if (!preset) return null;
  const variants = (['spec', 'tiny'] as const).map((variant) => {
    const base = parseExperiment(structuredClone(preset[variant]));
    return { variant, base, ...compareRuns(experiment.runs, base.runs) };
  });
  // The closer run set; on a tie, the one for the model in use.
  const pick = variants.reduce((best, v) =>
    v.matched > best.matched || (v.matched === best.matched && v.base.model === experiment.model && best.base.model !== experiment.model) ? v : best);
  const settings = SETTINGS.filter((k) => !same(experiment[k], pick.base[k])).map((key) => ({ key, from: pick.base[key], to: experiment[key] }));
  return {
    preset,
    variant: pick.variant,
    exact: pick.notes.length === 0 && pick.removed.length === 0 && settings.length === 0,
    runs: pick.notes,
    removed: pick.removed,
    settings,
  };
}
