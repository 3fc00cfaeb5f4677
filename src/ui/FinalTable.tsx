/**
 * The latest value of the key metrics of every run, as numbers, and once the
 * training is done, a one-line verdict per run (train/verdict.ts). On a
 * narrow screen each run is a card of label: value lines (nothing is hidden).
 */
import { useTranslation } from 'react-i18next';
import { formatValue } from '../charts/format';
import { hMetric } from '../train/metrics';
import { marginTarget, runVerdict, unitMargins } from '../train/verdict';
import { runLabel, verdictLabel } from './sourceText';
import { LineSwatch } from './Charts';
import { ScrollBox } from './ScrollBox';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRunStyles } from './useRunStyles';
import { useRef } from 'react';

const COLUMNS = ['run', 'loss', 'piRej', 'piChosen', 'sigma', 'meanH', 'targetH', 'verdict'] as const;

/**
 * Each run's verdict once training is done (a diverged run's at once), or null. A run changed after its
 * last trained step has no verdict yet: its curves are the old settings' (`untrained`: the step of the change).
 */
function useVerdicts(series: ReturnType<typeof useLabSeries>) {
  const runs = useLab((s) => s.experiment.runs);
  const granularity = useLab((s) => s.experiment.granularity);
  const done = useLab((s) => s.training.state === 'done');
  const changes = useLab((s) => s.changes);
  return runs.map((r, i) => {
    const log = series[i];
    const trained = log?.metrics.loss?.length ?? 0;
    const untrained = changes.filter((c) => c.run === i && c.step >= trained && trained > 0).at(-1)?.step ?? null;
    if (untrained !== null && log?.status.state !== 'diverged') return { verdict: null, untrained };
    return { verdict: log && (done || log.status.state === 'diverged') ? runVerdict(r, log, granularity) : null, untrained: null };
  });
}

const useLabSeries = () => useLab((s) => s.series);

/** The verdicts alone, one line per run (the embed shows them under its charts). */
export function RunVerdicts() {
  const runs = useLab((s) => s.experiment.runs);
  const styles = useRunStyles();
  const verdicts = useVerdicts(useLabSeries());
  const { t } = useTranslation();
  if (verdicts.every((v) => v.verdict === null && v.untrained === null)) return null;
  return (
    <ul className="run-verdicts" data-testid="run-verdicts" aria-label={t('final.verdicts')}>
      {runs.map((r, i) => (
        <li key={i} data-testid={`embed-verdict-${i}`} data-kind={verdicts[i]!.verdict?.kind ?? (verdicts[i]!.untrained !== null ? 'untrained' : undefined)}>
          <LineSwatch style={styles[i]} /> <b>{runLabel(r)}</b>{t('common.colon')}<VerdictText v={verdicts[i]!} />
        </li>
      ))}
    </ul>
  );
}

/** A verdict, a run changed but not trained since ("press +100 steps"), or "when the run ends". */
function VerdictText({ v }: { v: ReturnType<typeof useVerdicts>[number] }) {
  const { t } = useTranslation();
  if (v.verdict) return <>{verdictLabel(v.verdict, formatValue)}</>;
  if (v.untrained !== null) return <span className="pending">{t('final.untrained', { step: v.untrained })}</span>;
  return <span className="pending">{t('final.pending')}</span>;
}

export function FinalTable() {
  const runs = useLab((s) => s.experiment.runs);
  const styles = useRunStyles();
  const ref = useRef<HTMLDivElement>(null);
  const series = useLive((s) => s.series, 7, useInView(ref));
  const verdicts = useVerdicts(series);
  const N = useLab((s) => s.answerLength);
  const granularity = useLab((s) => s.experiment.granularity);
  const last = (r: number, m: string) => series[r]?.metrics[m]?.at(-1);
  const { t } = useTranslation();
  // Whole answers: the h that targets and verdicts use is the answer's, not a per-token mean.
  const columns = COLUMNS.map((c) => t(`final.columns.${c === 'meanH' && granularity === 'sequence' ? 'answerH' : c}`));
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
              const log = series[i];
              const h = granularity === 'sequence' ? (log ? unitMargins(log, r.beta, 'sequence').at(-1) : undefined) : hs.length ? hs.reduce((a, b) => a + b, 0) / hs.length : undefined;
              const v = verdicts[i]!;
              const target = marginTarget(r);
              const cells = [
                formatValue(last(i, 'loss')), formatValue(last(i, 'pi_rej')), formatValue(last(i, 'pi_chosen')), formatValue(last(i, 'sigma_margin')),
                formatValue(h), target ? t('final.target', { name: target.name, value: formatValue(target.value) }) : t('common.none'),
              ];
              return (
                <tr key={i} data-testid={`final-${i}`}>
                  <td className="run-cell" data-label={columns[0]}><LineSwatch style={styles[i]} /> {runLabel(r)}</td>
                  {cells.map((c, k) => <td key={k} data-label={columns[k + 1]}>{c}</td>)}
                  <td className="verdict" data-label={columns[7]} data-testid={`verdict-${i}`} data-kind={v.verdict?.kind ?? (v.untrained !== null ? 'untrained' : undefined)}>
                    <VerdictText v={v} />
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
