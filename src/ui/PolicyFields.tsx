/** What a run trains: the full model, or LoRA / DoRA adapters (rank, α, targets), and how many parameters that is. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ADAPTER_TARGETS, type AdapterTarget } from '../model/adapters';
import { MODEL_PRESETS } from '../model/config';
import { updateRun } from '../state/actions';
import { POLICY_IDS, trainableParamCount, type PolicyId, type Run } from '../train/run';
import { NumberField } from './NumberField';
import { useLab } from './useLab';
import { useMessage } from './useMessage';

export function PolicyFields({ run, index }: { run: Run; index: number }) {
  const model = useLab((s) => s.experiment.model);
  // The select and the targets show their problems here; a NumberField shows its own.
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  const msg = useMessage();
  const apply = (patch: Partial<Run>) => {
    const problems = updateRun(index, patch);
    setError(problems.length > 0 ? problems.map(msg).join(t('common.noteSep')) : null);
  };
  const toggle = (target: AdapterTarget, on: boolean) => apply({ loraTargets: on ? [...run.loraTargets, target] : run.loraTargets.filter((x) => x !== target) });
  const trainable = trainableParamCount(MODEL_PRESETS[model], run);
  return (
    <>
      <label className="field">
        <span className="field-label">{t('runs.policy')}</span>
        <select aria-label={t('runs.policyAria', { n: index + 1 })} value={run.policy} title={t('runs.policyTitle')} onChange={(e) => apply({ policy: e.target.value as PolicyId })}>
          {POLICY_IDS.map((id) => <option key={id} value={id}>{t(`runs.policyName.${id}`)}</option>)}
        </select>
      </label>
      {run.policy !== 'full' && (
        <>
          <NumberField label={t('runs.rank')} integer title={t('runs.rankTitle')} value={run.loraRank} onCommit={(loraRank) => updateRun(index, { loraRank })} />
          <NumberField label={t('runs.alpha')} title={t('runs.alphaTitle')} value={run.loraAlpha} onCommit={(loraAlpha) => updateRun(index, { loraAlpha })} />
          <fieldset className="field" aria-label={t('runs.targetsAria', { n: index + 1 })}>
            <span className="field-label">{t('runs.targets')}</span>
            <span>
              {ADAPTER_TARGETS.map((target) => (
                <label key={target} title={`${target}_proj`} style={{ whiteSpace: 'nowrap', marginRight: '0.4em' }}>
                  <input type="checkbox" aria-label={t('runs.targetAria', { n: index + 1, target })} checked={run.loraTargets.includes(target)} onChange={(e) => toggle(target, e.target.checked)} /><code>{target}</code>
                </label>
              ))}
            </span>
          </fieldset>
        </>
      )}
      <span className="field" data-testid={`trainable-${index}`} title={t('runs.trainableTitle')}>
        <span className="field-label">{t('runs.trainable')}</span>
        <span>{trainable.toLocaleString('en')}</span>
      </span>
      {error && <span className="field-error" role="alert">{error}</span>}
    </>
  );
}
