/**
 * The latest value of the key metrics of every run, as numbers, and once the
 * training is done, a one-line verdict per run (train/verdict.ts). On a
 * narrow screen each run is a card of label: value lines (nothing is hidden).
 */
import { formatValue } from '../charts/format';
import { hMetric } from '../train/metrics';
import { runName } from '../train/run';
import { marginTarget, runVerdict, verdictText } from '../train/verdict';
import { LineSwatch } from './Charts';
import { ScrollBox } from './ScrollBox';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRunStyles } from './useRunStyles';
import { useRef } from 'react';

const TEXT = {
  caption: 'Each run at its last step',
  region: 'Final values (scrolls sideways)',
  columns: ['run', 'loss', 'π(rejected)', 'π(chosen)', 'σ(βh)', 'mean h', 'target h', 'verdict'],
  target: (name: string, v: string) => `${name} = ${v}`,
  pending: 'when the run ends',
  verdicts: 'How each run ended',
  none: '–',
};

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
  if (verdicts.every((v) => v === null)) return null;
  return (
    <ul className="run-verdicts" data-testid="run-verdicts" aria-label={TEXT.verdicts}>
      {runs.map((r, i) => (
        <li key={i} data-testid={`embed-verdict-${i}`} data-kind={verdicts[i]?.kind}>
          <LineSwatch style={styles[i]} /> <b>{runName(r)}</b>: {verdicts[i] ? verdictText(verdicts[i]!, formatValue) : TEXT.pending}
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
  return (
    <div ref={ref}>
      <ScrollBox label={TEXT.region} className="final-wrap">
        <table className="final-table" data-testid="final-table">
          <caption className="visually-hidden">{TEXT.caption}</caption>
          <thead>
            <tr>{TEXT.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
          </thead>
          <tbody>
            {runs.map((r, i) => {
              const hs = Array.from({ length: N }, (_, k) => last(i, hMetric(k))).filter((v): v is number => v !== undefined);
              const verdict = verdicts[i];
              const target = marginTarget(r);
              const cells = [
                formatValue(last(i, 'loss')), formatValue(last(i, 'pi_rej')), formatValue(last(i, 'pi_chosen')), formatValue(last(i, 'sigma_margin')),
                formatValue(hs.length ? hs.reduce((a, b) => a + b, 0) / hs.length : undefined), target ? TEXT.target(target.name, formatValue(target.value)) : TEXT.none,
              ];
              return (
                <tr key={i} data-testid={`final-${i}`}>
                  <td className="run-cell" data-label={TEXT.columns[0]}><LineSwatch style={styles[i]} /> {runName(r)}</td>
                  {cells.map((c, k) => <td key={k} data-label={TEXT.columns[k + 1]}>{c}</td>)}
                  <td className="verdict" data-label={TEXT.columns[7]} data-testid={`verdict-${i}`} data-kind={verdict?.kind}>
                    {verdict ? verdictText(verdict, formatValue) : <span className="pending">{TEXT.pending}</span>}
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
