/**
 * The notebook's run sets in one click, and what to look for in the current
 * one. After any tweak the guidance stays, marked "modified from §…", and
 * says what each changed or added run is expected to do now (train/guidance.ts).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { TFunction } from 'i18next';
import { formatValue } from '../charts/format';
import { applyPreset } from '../state/actions';
import type { RunStatus } from '../train/metrics';
import { guidanceFor, type Guidance, type SettingKey } from '../train/guidance';
import { PRESETS } from '../train/presets';
import { expectationLabel, presetText, runLabel } from './sourceText';
import { useLab } from './useLab';
import { useMessage } from './useMessage';
import { useNarrow } from './useNarrow';

type Values = Record<SettingKey, Record<string, string>>;

/** A setting's value as the guidance writes it (a model or scoring by its name in the UI's language; numbers as they are). */
function settingValue(t: TFunction, key: SettingKey, v: unknown): string {
  const names = (t('presets.value', { returnObjects: true }) as unknown as Partial<Values>)[key];
  return names?.[String(v)] ?? String(v);
}

/** One line per setting that differs from the preset's. */
function settingLine(t: TFunction, s: Guidance['settings'][number], variant: Guidance['variant']): string {
  const [from, to] = [settingValue(t, s.key, s.from), settingValue(t, s.key, s.to)];
  switch (s.key) {
    case 'model':
      return t('presets.setting.model', { from, to }) + (s.to === 'tiny' && variant === 'spec' ? t('presets.setting.modelTiny') : '');
    case 'steps':
      return t('presets.setting.steps', { from, to }) + (Number(s.to) < Number(s.from) ? t('presets.setting.stepsShort') : '');
    case 'data':
      return t('presets.setting.data');
    default:
      return t(`presets.setting.${s.key}`, { from, to });
  }
}

function unchangedLine(t: TFunction, n: number, total: number): string {
  if (n === 0) return t('presets.noneLeft');
  if (n === total) return t('presets.allUnchanged');
  return n === 1 ? t('presets.oneUnchanged') : t('presets.someUnchanged', { n });
}

export function PresetBar() {
  const presetId = useLab((s) => s.presetId);
  const { t } = useTranslation();
  return (
    <section className="presets" aria-label={t('presets.heading')}>
      <h2>{t('presets.heading')}</h2>
      {/* Focusable and named: on a phone the row scrolls sideways, and a keyboard must reach that too. */}
      <div className="preset-buttons" role="group" tabIndex={0} aria-label={t('presets.list')}>
        {PRESETS.map((p) => (
          <button key={p.id} type="button" data-testid={`preset-${p.id}`} aria-pressed={presetId === p.id} onClick={() => applyPreset(p.id)}>
            <span className="preset-section">{/^\d/.test(p.section) ? `§${p.section}` : p.section}</span> {presetText(p, 'title')}
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
  // A changed run that blew up did not do what its loss is expected to do: say so beside the expectation.
  const statuses = useLab(useShallow((s) => s.series.map((x) => x.status)));
  const msg = useMessage();
  const stoppedNote = (status: RunStatus | undefined, index: number) =>
    status && status.state !== 'ok' && <span data-testid={`look-for-stopped-${index}`}>{t('presets.stoppedInstead', { step: status.step + 1, reason: msg(status.reason) })}</span>;
  const narrow = useNarrow();
  const [open, setOpen] = useState<boolean | null>(null);
  const { t } = useTranslation();
  if (!g) return null;
  const { preset } = g;
  const line = (
    <p className="look-for-line">
      <strong>{t('presets.lookFor')}</strong>
      {!g.exact && <span className="modified" data-testid="look-for-modified">{t('presets.modified', { section: preset.section })}</span>}{t('common.colon')}{presetText(preset, 'headline')}
    </p>
  );
  if (compact) return <div className="look-for compact" data-testid="look-for">{line}</div>;
  const changes = g.runs.length + g.removed.length + g.settings.length;
  const isOpen = open ?? !narrow;
  const unchanged = runs.length - g.runs.length;
  const presetRuns = unchanged + g.runs.filter((n) => n.change === 'changed').length + g.removed.length;
  return (
    <section className="look-for" data-testid="look-for" aria-label={t('presets.lookFor')}>
      {line}
      <details open={isOpen} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{changes === 0 ? t('presets.why') : changes === 1 ? t('presets.whyOne') : t('presets.whyMany', { n: changes })}</summary>
        <p className="look-for-text">§{preset.section} {presetText(preset, 'title')}{t('common.colon')}{presetText(preset, 'lookFor')}</p>
        {!g.exact && (
          <ul className="look-for-changes" data-testid="look-for-changes">
            {g.runs.map((n) => (
              <li key={n.index} data-testid={`look-for-run-${n.index}`}>
                <b>{runLabel(runs[n.index]!)}</b>
                {t('presets.runNote', { what: n.change === 'added' ? t('presets.added') : t('presets.changed', { keys: n.differs.map((k) => t(`presets.keys.${k}`)).join(t('common.listSep')) }) })}
                {expectationLabel(n.expectation, formatValue)}{t('common.noteEnd')}
                {stoppedNote(statuses[n.index], n.index)}
              </li>
            ))}
            {g.removed.length > 0 && <li>{t('presets.removed', { names: g.removed.map(runLabel).join(t('common.listSep')) })}</li>}
            {g.settings.map((s) => <li key={s.key}>{settingLine(t, s, g.variant)}</li>)}
            <li>{unchangedLine(t, unchanged, presetRuns)}</li>
          </ul>
        )}
      </details>
    </section>
  );
}
