/**
 * The notebook's run sets in one click, and what to look for in the current
 * one. After any tweak the guidance stays, marked "modified from §…", and
 * says what each changed or added run is expected to do now (train/guidance.ts).
 */
import { useMemo, useState } from 'react';
import { formatValue } from '../charts/format';
import { applyPreset } from '../state/actions';
import { expectationText, guidanceFor, type Guidance, type SettingKey } from '../train/guidance';
import { PRESETS } from '../train/presets';
import { runName, type Run } from '../train/run';
import { useLab } from './useLab';
import { useNarrow } from './useNarrow';

const TEXT = {
  presets: 'Notebook experiments',
  presetList: 'Presets (scroll sideways on a narrow screen)',
  lookFor: 'What to look for',
  modified: (section: string) => `modified from §${section}`,
  more: (n: number) => (n === 0 ? 'Why' : `Why, and what ${n === 1 ? 'the change does' : `the ${n} changes do`}`),
  changed: (keys: string[]) => `changed ${keys.join(', ')}`,
  added: 'added',
  removed: (names: string[]) => `Removed: ${names.join(', ')}.`,
  unchanged: (n: number, total: number) =>
    n === 0 ? 'None of the preset\'s runs is left as it was.' : n === total ? 'Its runs are unchanged: the expectation above holds for all of them.' : `The expectation above still holds for the ${n} unchanged run${n > 1 ? 's' : ''}.`,
  setting: {
    model: (from: unknown, to: unknown, variant: Guidance['variant']) =>
      `Model: ${to} instead of ${from}.${to === 'tiny' && variant === 'spec' ? ' The notebook\'s learning rates barely move the tiny model: apply the preset again for its tiny run set.' : ''}`,
    steps: (from: unknown, to: unknown) => `Steps: ${to} instead of ${from}.${Number(to) < Number(from) ? ' The story may not have played out yet.' : ''}`,
    seed: (from: unknown, to: unknown) => `Seed ${to} instead of ${from}: other initial weights, the same story.`,
    scoring: (from: unknown, to: unknown) => `Scoring: ${to} instead of ${from}.`,
    granularity: (from: unknown, to: unknown) => `Granularity: ${to} instead of ${from}: a target then applies to the whole answer's margin.`,
    data: () => 'Other preference data: the expectations hold for each pair.',
  } satisfies Record<SettingKey, (from: unknown, to: unknown, variant: Guidance['variant']) => string>,
  keys: { loss: 'loss', beta: 'β', lr: 'lr', optimizer: 'optimizer', labelSmoothing: 'ε', dpopLambda: 'λ', simpoGamma: 'γ', label: 'name' } as Record<keyof Run, string>,
};

export function PresetBar() {
  const presetId = useLab((s) => s.presetId);
  return (
    <section className="presets" aria-label={TEXT.presets}>
      <h2>{TEXT.presets}</h2>
      {/* Focusable and named: on a phone the row scrolls sideways, and a keyboard must reach that too. */}
      <div className="preset-buttons" role="group" tabIndex={0} aria-label={TEXT.presetList}>
        {PRESETS.map((p) => (
          <button key={p.id} type="button" data-testid={`preset-${p.id}`} aria-pressed={presetId === p.id} onClick={() => applyPreset(p.id)}>
            <span className="preset-section">{/^\d/.test(p.section) ? `§${p.section}` : p.section}</span> {p.title}
          </button>
        ))}
      </div>
    </section>
  );
}

function useGuidance(): Guidance | null {
  const experiment = useLab((s) => s.experiment);
  const id = useLab((s) => s.presetId ?? s.basePresetId);
  return useMemo(() => guidanceFor(experiment, id), [experiment, id]);
}

/** What to look for: one line (the embed: `compact`), or the line and the why, with what changed. */
export function LookFor({ compact = false }: { compact?: boolean }) {
  const g = useGuidance();
  const runs = useLab((s) => s.experiment.runs);
  const narrow = useNarrow();
  const [open, setOpen] = useState<boolean | null>(null);
  if (!g) return null;
  const { preset } = g;
  const line = (
    <p className="look-for-line">
      <strong>{TEXT.lookFor}</strong>
      {!g.exact && <span className="modified" data-testid="look-for-modified"> ({TEXT.modified(preset.section)})</span>}: {preset.headline}
    </p>
  );
  if (compact) return <div className="look-for compact" data-testid="look-for">{line}</div>;
  const changes = g.runs.length + g.removed.length + g.settings.length;
  const isOpen = open ?? !narrow;
  const unchanged = runs.length - g.runs.length;
  const presetRuns = unchanged + g.runs.filter((n) => n.change === 'changed').length + g.removed.length;
  return (
    <section className="look-for" data-testid="look-for" aria-label={TEXT.lookFor}>
      {line}
      <details open={isOpen} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{TEXT.more(changes)}</summary>
        <p className="look-for-text">§{preset.section} {preset.title}: {preset.lookFor}</p>
        {!g.exact && (
          <ul className="look-for-changes" data-testid="look-for-changes">
            {g.runs.map((n) => (
              <li key={n.index} data-testid={`look-for-run-${n.index}`}>
                <b>{runName(runs[n.index]!)}</b> ({n.change === 'added' ? TEXT.added : TEXT.changed(n.differs.map((k) => TEXT.keys[k]))}): {expectationText(n.expectation, formatValue)}.
              </li>
            ))}
            {g.removed.length > 0 && <li>{TEXT.removed(g.removed.map(runName))}</li>}
            {g.settings.map((s) => <li key={s.key}>{TEXT.setting[s.key](s.from, s.to, g.variant)}</li>)}
            <li>{TEXT.unchanged(unchanged, presetRuns)}</li>
          </ul>
        )}
      </details>
    </section>
  );
}
