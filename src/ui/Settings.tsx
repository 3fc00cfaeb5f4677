/** Global settings: the notebook's exact replay, model size, steps, seed, scoring and granularity. */
import { useTranslation } from 'react-i18next';
import { setNotebookExact, setSetting } from '../state/actions';
import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { paramCountOf } from './paramCount';
import { NumberField } from './NumberField';
import { useLab } from './useLab';

export function Settings() {
  const e = useLab((s) => s.experiment);
  const { t } = useTranslation();
  return (
    <section className="settings" aria-label={t('settings.heading')}>
      <h2>{t('settings.heading')}</h2>
      <label className="switch" title={t('settings.replayTitle')}>
        <input type="checkbox" data-testid="notebook-exact" checked={e.notebookExact} onChange={(ev) => setNotebookExact(ev.target.checked)} />
        <span>{t('settings.replay')} <small>{t('settings.replayNote')}</small></span>
      </label>
      <div className="settings-grid">
        <label className="field">
          <span className="field-label">{t('settings.model')}</span>
          <select aria-label={t('settings.modelAria')} value={e.model} onChange={(ev) => setSetting('model', ev.target.value as ModelPresetId)}>
            {(Object.keys(MODEL_PRESETS) as ModelPresetId[]).map((m) => (
              <option key={m} value={m}>{t('settings.modelOption', { name: t(`settings.modelName.${m}`), params: paramCountOf(m).toLocaleString('en') })}</option>
            ))}
          </select>
        </label>
        <NumberField label={t('settings.steps')} integer value={e.steps} onCommit={(v) => setSetting('steps', v)} />
        <NumberField label={t('settings.seed')} integer value={e.seed} onCommit={(v) => setSetting('seed', v)} />
        <label className="field">
          <span className="field-label">{t('settings.scoring')}</span>
          <select aria-label={t('settings.scoringAria')} value={e.scoring} onChange={(ev) => setSetting('scoring', ev.target.value as typeof e.scoring)} title={t('settings.scoringTitle')}>
            <option value="same-position">{t('settings.samePosition')}</option>
            <option value="next-token">{t('settings.nextToken')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('settings.granularity')}</span>
          <select aria-label={t('settings.granularityAria')} value={e.granularity} onChange={(ev) => setSetting('granularity', ev.target.value as typeof e.granularity)}>
            <option value="token">{t('settings.perToken')}</option>
            <option value="sequence">{t('settings.perAnswer')}</option>
          </select>
        </label>
      </div>
    </section>
  );
}
