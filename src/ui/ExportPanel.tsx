/** Take the results away (CSV, JSON) and move weights in and out (safetensors, by picker or drop). */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clearWeights, exportWeights } from '../state/actions';
import { labStore } from '../state/store';
import { resultsCsv, resultsJson } from '../train/results';
import type { WeightsRole } from '../worker/protocol';
import { saveFile } from './download';
import { loadWeightsFile } from './loadWeights';
import { runLabel } from './sourceText';
import { useLab } from './useLab';

function results() {
  const s = labStore.getState();
  return resultsJson(s.experiment, s.series, s.training.backend?.active ?? '');
}

function WeightsDrop({ role }: { role: WeightsRole }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const custom = useLab((s) => s.training.customWeights.includes(role));
  const { t } = useTranslation();
  const name = t(`exporting.role.${role}`);
  return (
    <div
      className={`drop ${over ? 'drop-over' : ''}`}
      data-testid={`drop-${role}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (file) void loadWeightsFile(role, file);
      }}
    >
      <span>{name}{t('common.colon')}{custom ? <strong>{t('exporting.imported')}</strong> : t('exporting.seeded')}</span>
      <input ref={input} type="file" accept=".safetensors" hidden data-testid={`import-${role}`} onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) void loadWeightsFile(role, file);
      }} />
      <button type="button" onClick={() => input.current?.click()}>{t('exporting.import')}</button>
      {custom && <button type="button" onClick={() => clearWeights(role)}>{t('exporting.useSeeded')}</button>}
    </div>
  );
}

export function ExportPanel() {
  const runs = useLab((s) => s.experiment.runs);
  const [which, setWhich] = useState('initial-policy');
  const { t } = useTranslation();
  return (
    <section className="export" aria-label={t('exporting.region')}>
      <h3>{t('exporting.results')}</h3>
      <div className="button-row">
        <button type="button" data-testid="export-csv" onClick={() => saveFile('dpo-ipo-lab-metrics.csv', resultsCsv(results()), 'text/csv')}>CSV</button>
        <button type="button" data-testid="export-json" onClick={() => saveFile('dpo-ipo-lab-metrics.json', JSON.stringify(results(), null, 1), 'application/json')}>JSON</button>
      </div>
      <h3>{t('exporting.weights')}</h3>
      <div className="button-row">
        <select aria-label={t('exporting.weightsAria')} value={which} onChange={(e) => setWhich(e.target.value)}>
          <option value="initial-policy">{t('exporting.role.policy')}</option>
          <option value="reference">{t('exporting.role.reference')}</option>
          {runs.map((r, i) => <option key={i} value={String(i)}>{t('exporting.policyNow', { name: runLabel(r) })}{r.policy !== 'full' ? t('exporting.merged') : ''}</option>)}
          {runs.map((r, i) => r.policy !== 'full' && <option key={`a${i}`} value={`adapters-${i}`}>{t('exporting.adaptersOnly', { name: runLabel(r) })}</option>)}
        </select>
        <button type="button" data-testid="export-weights" onClick={() => exportWeights(which === 'initial-policy' || which === 'reference' ? which : which.startsWith('adapters-') ? { run: Number(which.slice(9)), adapters: true } : { run: Number(which) })}>{t('exporting.export')}</button>
      </div>
      <WeightsDrop role="policy" />
      <WeightsDrop role="reference" />
      <p className="hint">{t('exporting.hint')}</p>
    </section>
  );
}
