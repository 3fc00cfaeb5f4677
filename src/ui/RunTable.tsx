/** The runs of the comparison: loss, β, learning rate, optimizer; add, duplicate, remove. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { addRun, duplicateRun, removeRun, updateRun } from '../state/actions';
import { CPO_VARIANT_LABELS, CPO_VARIANTS, LOSS_CATALOG, LOSS_IDS, LOSS_PARAM_INFO, type CpoVariant, type LossId, type OptimizerId } from '../train/catalog';
import { LIMITS } from '../train/limits';
import { runName, type Run } from '../train/run';
import { CloseIcon, CopyIcon } from './icons';
import { NumberField } from './NumberField';
import { PolicyFields } from './PolicyFields';
import { useLab } from './useLab';
import { useRunStyles } from './useRunStyles';

export function RunTable() {
  const runs = useLab((s) => s.experiment.runs);
  const statuses = useLab(useShallow((s) => s.series.map((x) => x.status)));
  const colors = useRunStyles().map((st) => st.color);
  return (
    <section className="runs" aria-label="Runs">
      <h2>
        Runs <small>{runs.length} / {LIMITS.runs.max}</small>
      </h2>
      <ol className="run-list">
        {runs.map((r, i) => {
          const status = statuses[i];
          const info = LOSS_CATALOG[r.loss];
          return (
            <li key={i} className="run" data-testid={`run-${i}`} style={{ borderLeftColor: colors[i] }}>
              <div className="run-head">
                <span className="swatch" style={{ background: colors[i] }} aria-hidden />
                <input
                  className="run-label"
                  aria-label={`Run ${i + 1} name`}
                  defaultValue={r.label}
                  key={r.label}
                  placeholder={runName({ ...r, label: '' })}
                  maxLength={LIMITS.label.max}
                  onBlur={(e) => e.target.value !== r.label && updateRun(i, { label: e.target.value })}
                />
                <button type="button" className="icon" aria-label={`Duplicate run ${i + 1}`} title="Duplicate" onClick={() => duplicateRun(i)} disabled={runs.length >= LIMITS.runs.max}><CopyIcon /></button>
                <button type="button" className="icon" aria-label={`Remove run ${i + 1}`} title="Remove" onClick={() => removeRun(i)} disabled={runs.length <= LIMITS.runs.min}><CloseIcon /></button>
              </div>
              <div className="run-fields">
                <LossSelect index={i} run={r} />
                <NumberField label="β" title={info.betaMeaning} value={r.beta} onCommit={(beta) => updateRun(i, { beta })} />
                <NumberField label="lr" title="learning rate" value={r.lr} onCommit={(lr) => updateRun(i, { lr })} />
                <label className="field">
                  <span className="field-label">optimizer</span>
                  <select aria-label={`Run ${i + 1} optimizer`} value={r.optimizer} onChange={(e) => updateRun(i, { optimizer: e.target.value as OptimizerId })}>
                    <option value="sgd">SGD</option>
                    <option value="adam">Adam</option>
                  </select>
                </label>
                {info.params.map((p) => (p === 'cpoVariant' ? (
                  <label key={p} className="field">
                    <span className="field-label">variant</span>
                    <select aria-label={`Run ${i + 1} CPO variant`} value={r.cpoVariant} onChange={(e) => updateRun(i, { cpoVariant: e.target.value as CpoVariant })}>
                      {CPO_VARIANTS.map((v) => <option key={v} value={v}>{CPO_VARIANT_LABELS[v]}</option>)}
                    </select>
                  </label>
                ) : (
                  <NumberField key={p} label={LOSS_PARAM_INFO[p].label} value={r[p]} onCommit={(v) => updateRun(i, { [p]: v })} />
                )))}
                <PolicyFields run={r} index={i} />
              </div>
              {status && status.state !== 'ok' && (
                <p className="run-status" role="alert" data-testid={`diverged-${i}`}>
                  Stopped: {status.reason}.
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={addRun} disabled={runs.length >= LIMITS.runs.max} data-testid="add-run">+ Add run</button>
    </section>
  );
}

/** The loss of a run, with the reason when a loss cannot be chosen here (KTO on data with one kind of answer). */
function LossSelect({ index, run }: { index: number; run: Run }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="field">
      <span className="field-label">loss</span>
      <select
        aria-label={`Run ${index + 1} loss`} value={run.loss} title={LOSS_CATALOG[run.loss].paper} aria-invalid={error !== null}
        onChange={(e) => {
          const problems = updateRun(index, { loss: e.target.value as LossId });
          setError(problems.length > 0 ? problems.join('; ') : null);
        }}
      >
        {LOSS_IDS.map((id) => <option key={id} value={id}>{LOSS_CATALOG[id].label}</option>)}
      </select>
      {error && <span className="field-error" role="alert">{error}</span>}
    </label>
  );
}
