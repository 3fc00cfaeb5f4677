/**
 * The latest value of the key metrics of every run, as numbers, and once the
 * training is done, a one-line verdict per run (train/verdict.ts). On a
 * narrow screen each run is a card of label: value lines (nothing is hidden).
 */
import { useTranslation } from 'react-i18next';
import { formatValue } from '../charts/format';
import { hMetric } from '../train/metrics';
import { marginTarget, runVerdict } from '../train/verdict';
import { runLabel, verdictLabel } from './sourceText';
import { LineSwatch } from './Charts';
import { ScrollBox } from './ScrollBox';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRunStyles } from './useRunStyles';
import { useRef } from 'react';

const COLUMNS = ['run', 'loss', 'piRej', 'piChosen', 'sigma', 'meanH', 'targetH', 'verdict'] as const;

/** Each run's verdict once training is done (a diverged run's at once), or null. */
function useVerdicts(series: ReturnType<typeof useLabSeries>) {
  const runs = useLab((s) => s.experiment.runs);
  const granularity = useLab((s) => s.experiment.granularity);
  const done = useLab((s) => s.training.state === 'done');
  return runs.map((r, i) => {
    const log = series[i];
    return log && (done || log.status.state === 'diverged') ? runVerdict(r, log, granularity) : null;
  });
}

const useLabSeries = () => useLab((s) => s.series);

/** The verdicts alone, one line per run (the embed shows them under its charts). */
export function RunVerdicts() {
  const runs = useLab((s) => s.experiment.runs);
  const styles = useRunStyles();
  const verdicts = useVerdicts(useLabSeries());
  const { t } = useTranslation();
  if (verdicts.every((v) => v === null)) return null;
  return (
    <ul className="run-verdicts" data-testid="run-verdicts" aria-label={t('final.verdicts')}>
      {runs.map((r, i) => (
        <li key={i} data-testid={`embed-verdict-${i}`} data-kind={verdicts[i]?.kind}>
          <LineSwatch style={styles[i]} /> <b>{runLabel(r)}</b>{t('common.colon')}{verdicts[i] ? verdictLabel(verdicts[i]!, formatValue) : t('final.pending')}
        </li>
      ))}
    </ul>
  );
}

export function FinalTable() {
  const runs = useLab((s) => s.experiment.runs);
  const styles = useRunStyles();
  const ref = useRef<HTMLDivElement>(null);
  const series = useLive((s) => s.series, 7, useInView(ref));
  const verdicts = useVerdicts(series);
  const N = useLab((s) => s.answerLength);
  const last = (r: number, m: string) => series[r]?.metrics[m]?.at(-1);
  const { t } = useTranslation();
  const columns = COLUMNS.map((c) => t(`final.columns.${c}`));
  return (
    <div ref={ref}>
      <ScrollBox label={t('final.region')} className="final-wrap">
        <table className="final-table" data-testid="final-table">
          <caption className="visually-hidden">{t('final.caption')}</caption>
          <thead>
            <tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
          </thead>
          <tbody>
            {runs.map((r, i) => {
              const hs = Array.from({ length: N }, (_, k) => last(i, hMetric(k))).filter((v): v is number => v !== undefined);
              const verdict = verdicts[i];
              const target = marginTarget(r);
              const cells = [
                formatValue(last(i, 'loss')), formatValue(last(i, 'pi_rej')), formatValue(last(i, 'pi_chosen')), formatValue(last(i, 'sigma_margin')),
                formatValue(hs.length ? hs.reduce((a, b) => a + b, 0) / hs.length : undefined), target ? t('final.target', { name: target.name, value: formatValue(target.value) }) : t('common.none'),
              ];
              return (
                <tr key={i} data-testid={`final-${i}`}>
                  <td className="run-cell" data-label={columns[0]}><LineSwatch style={styles[i]} /> {runLabel(r)}</td>
                  {cells.map((c, k) => <td key={k} data-label={columns[k + 1]}>{c}</td>)}
                  <td className="verdict" data-label={columns[7]} data-testid={`verdict-${i}`} data-kind={verdict?.kind}>
                    {verdict ? verdictLabel(verdict, formatValue) : <span className="pending">{t('final.pending')}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollBox>
    </div>
  );
}
