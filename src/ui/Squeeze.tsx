/** Where the probability mass goes: the squeeze view for the inspected run. */
import { useTranslation } from 'react-i18next';
import { SqueezeChart } from '../charts/SqueezeChart';
import { focusRun, setView } from '../state/actions';
import { formatTokens } from '../state/vocab';
import { runLabel } from './sourceText';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRef } from 'react';

export function Squeeze() {
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);
  const dist = useLive((s) => s.distribution, 6, visible);
  const initial = useLab((s) => s.initialDistribution);
  const data = useLab((s) => s.experiment.data);
  const runs = useLab((s) => s.experiment.runs);
  const focus = useLab((s) => s.view.hRun);
  const branch = useLab((s) => s.view.squeezeBranch);
  const pair = useLab((s) => s.view.squeezePair);
  const mode = useLab((s) => s.view.textMode);
  const N = useLab((s) => s.answerLength);
  const { t } = useTranslation();
  const P = data.length;
  const p = data[pair] ?? data[0]!;
  const answer = branch === 'chosen' ? p.chosen : p.rejected;
  const entry = (k: number) => ((branch === 'chosen' ? 0 : 1) * P + pair) * N + k;
  const positions = dist && dist.run === focus
    ? answer.map((_, k) => ({ logp: dist.logp[entry(k)]!, chosen: p.chosen[k] ?? -1, rejected: p.rejected[k] ?? -1 })).filter((x) => x.logp)
    : null;
  const label = (id: number) => (id < 0 ? '–' : mode === 'ids' ? String(id) : formatTokens([id], mode));
  return (
    <section ref={ref} className="panel squeeze-panel" aria-label={t('squeeze.heading')}>
      <header className="panel-head">
        <h2>{t('squeeze.heading')}</h2>
        <div className="panel-controls">
          <select aria-label={t('squeeze.run')} value={focus} onChange={(e) => focusRun(Number(e.target.value))}>
            {runs.map((r, i) => <option key={i} value={i}>{runLabel(r)}</option>)}
          </select>
          <select aria-label={t('squeeze.context')} value={branch} onChange={(e) => setView({ squeezeBranch: e.target.value as 'chosen' | 'rejected' })}>
            <option value="rejected">{t('squeeze.inRejected')}</option>
            <option value="chosen">{t('squeeze.inChosen')}</option>
          </select>
          {P > 1 && (
            <select aria-label={t('squeeze.pairAria')} value={pair} onChange={(e) => setView({ squeezePair: Number(e.target.value) })}>
              {data.map((_, i) => <option key={i} value={i}>{t('squeeze.pair', { n: i + 1 })}</option>)}
            </select>
          )}
        </div>
      </header>
      <p className="hint">{t('squeeze.hint')}</p>
      {positions ? (
        <SqueezeChart positions={positions} initial={initial && answer.map((_, k) => ({ logp: initial[entry(k)]! }))} tokenLabel={label} step={dist!.step} />
      ) : (
        <p className="placeholder">{t('squeeze.placeholder')}</p>
      )}
    </section>
  );
}
