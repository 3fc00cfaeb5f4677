/** The runs of the comparison: loss, β, learning rate, optimizer; add, duplicate, remove. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { addRun, duplicateRun, removeRun, updateRun } from '../state/actions';
import { CPO_VARIANTS, LOSS_CATALOG, LOSS_IDS, type CpoVariant, type LossId, type OptimizerId } from '../train/catalog';
import { LIMITS } from '../train/limits';
import type { Run } from '../train/run';
import { CloseIcon, CopyIcon } from './icons';
import { NumberField } from './NumberField';
import { PolicyFields } from './PolicyFields';
import { useLab } from './useLab';
import { useRunStyles } from './useRunStyles';
import { useMessage } from './useMessage';
import { betaMeaning, cpoVariantLabel, lossLabel, lossParamLabel, paperText, runLabel } from './sourceText';

export function RunTable() {
  const runs = useLab((s) => s.experiment.runs);
  const statuses = useLab(useShallow((s) => s.series.map((x) => x.status)));
  const colors = useRunStyles().map((st) => st.color);
  const { t } = useTranslation();
  const msg = useMessage();
  return (
    <section className="runs" aria-label={t('runs.heading')}>
      <h2>
        {t('runs.heading')} <small>{runs.length} / {LIMITS.runs.max}</small>
      </h2>
      <ol className="run-list">
        {runs.map((r, i) => {
          const status = statuses[i];
          const info = LOSS_CATALOG[r.loss];
          return (
            <li key={i} className="run" data-testid={`run-${i}`} style={{ borderLeftColor: colors[i] }}>
              <div className="run-head">
                <span className="swatch" style={{ background: colors[i] }} aria-hidden />
                {/* A one-line text that wraps (a LoRA run's name was cut at 1280 px): Enter commits, as in an input. */}
                <textarea
                  className="run-label"
                  rows={1}
                  ref={fitHeight}
                  aria-label={t('runs.name', { n: i + 1 })}
                  defaultValue={r.label}
                  key={r.label}
                  placeholder={runLabel({ ...r, label: '' })}
                  maxLength={LIMITS.label.max}
                  onInput={(e) => fitHeight(e.currentTarget)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      e.currentTarget.blur();
                    }
                  }}
                  onBlur={(e) => {
                    const label = e.target.value.replace(/\s*\n\s*/g, ' ');
                    if (label !== r.label) updateRun(i, { label });
                  }}
                />
                <button type="button" className="icon" aria-label={t('runs.duplicate', { n: i + 1 })} title={t('runs.duplicateTitle')} onClick={() => duplicateRun(i)} disabled={runs.length >= LIMITS.runs.max}><CopyIcon /></button>
                <button type="button" className="icon" aria-label={t('runs.remove', { n: i + 1 })} title={t('runs.removeTitle')} onClick={() => removeRun(i)} disabled={runs.length <= LIMITS.runs.min}><CloseIcon /></button>
              </div>
              <div className="run-fields">
                <LossSelect index={i} run={r} />
                <NumberField label="β" title={betaMeaning(r.loss)} value={r.beta} onCommit={(beta) => updateRun(i, { beta })} />
                <NumberField label={t('runs.lr')} title={t('runs.lrTitle')} value={r.lr} onCommit={(lr) => updateRun(i, { lr })} />
                <label className="field">
                  <span className="field-label">{t('runs.optimizer')}</span>
                  <select aria-label={t('runs.optimizerAria', { n: i + 1 })} value={r.optimizer} onChange={(e) => updateRun(i, { optimizer: e.target.value as OptimizerId })}>
                    <option value="sgd">SGD</option>
                    <option value="adam">Adam</option>
                  </select>
                </label>
                {info.params.map((p) => (p === 'cpoVariant' ? (
                  <label key={p} className="field">
                    <span className="field-label">{t('runs.variant')}</span>
                    <select aria-label={t('runs.variantAria', { n: i + 1 })} value={r.cpoVariant} onChange={(e) => updateRun(i, { cpoVariant: e.target.value as CpoVariant })}>
                      {CPO_VARIANTS.map((v) => <option key={v} value={v}>{cpoVariantLabel(v)}</option>)}
                    </select>
                  </label>
                ) : (
                  <NumberField key={p} label={lossParamLabel(p)} value={r[p]} onCommit={(v) => updateRun(i, { [p]: v })} />
                )))}
                <PolicyFields run={r} index={i} />
              </div>
              {status && status.state !== 'ok' && (
                <p className="run-status" role="alert" data-testid={`diverged-${i}`}>
                  {t('runs.stopped', { reason: msg(status.reason) })}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={addRun} disabled={runs.length >= LIMITS.runs.max} data-testid="add-run">{t('runs.add')}</button>
    </section>
  );
}

/**
 * Grows a run's name box to its text or, while empty, its placeholder: CSS field-sizing does it where the
 * browser has it (Chromium); elsewhere the height is set from the text's scroll height.
 */
function fitHeight(el: HTMLTextAreaElement | null): void {
  if (!el || typeof CSS === 'undefined' || CSS.supports('field-sizing', 'content')) return;
  const empty = el.value === '';
  if (empty) el.value = el.placeholder;
  el.style.height = 'auto';
  el.style.height = `${el.scrollHeight + 2}px`;
  if (empty) el.value = '';
}

/** The loss of a run, with the reason when a loss cannot be chosen here (KTO on data with one kind of answer). */
function LossSelect({ index, run }: { index: number; run: Run }) {
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  const msg = useMessage();
  return (
    <label className="field">
      <span className="field-label">{t('runs.loss')}</span>
      <select
        aria-label={t('runs.lossAria', { n: index + 1 })} value={run.loss} title={paperText(run.loss)} aria-invalid={error !== null}
        onChange={(e) => {
          const problems = updateRun(index, { loss: e.target.value as LossId });
          setError(problems.length > 0 ? problems.join('; ') : null);
        }}
      >
        {LOSS_IDS.map((id) => <option key={id} value={id}>{lossLabel(id)}</option>)}
      </select>
      {error && <span className="field-error" role="alert">{msg(error)}</span>}
    </label>
  );
}
