/** The latest value of the key metrics of every run, as numbers. */
import { runColor } from '../charts/colors';
import { formatValue } from '../charts/format';
import { STOPPED_LABEL } from '../train/health';
import { hMetric } from '../train/metrics';
import { runName } from '../train/run';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRef } from 'react';

export function FinalTable() {
  const runs = useLab((s) => s.experiment.runs);
  const ref = useRef<HTMLDivElement>(null);
  const series = useLive((s) => s.series, 7, useInView(ref));
  const N = useLab((s) => s.answerLength);
  const last = (r: number, m: string) => series[r]?.metrics[m]?.at(-1);
  return (
    <div className="table-wrap" ref={ref}>
      <table className="final-table" data-testid="final-table">
        <thead>
          <tr>
            <th>run</th><th>loss</th><th>π(rejected)</th><th>π(chosen)</th><th>σ(βh)</th><th>mean h</th><th>1/(2β)</th><th>status</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => {
            const hs = Array.from({ length: N }, (_, k) => last(i, hMetric(k))).filter((v): v is number => v !== undefined);
            const status = series[i]?.status;
            return (
              <tr key={i} data-testid={`final-${i}`}>
                <td><span className="swatch" style={{ background: runColor(i) }} /> {runName(r)}</td>
                <td>{formatValue(last(i, 'loss'))}</td>
                <td>{formatValue(last(i, 'pi_rej'))}</td>
                <td>{formatValue(last(i, 'pi_chosen'))}</td>
                <td>{formatValue(last(i, 'sigma_margin'))}</td>
                <td>{formatValue(hs.length ? hs.reduce((a, b) => a + b, 0) / hs.length : undefined)}</td>
                <td>{formatValue(1 / (2 * r.beta))}</td>
                <td>{status && status.state !== 'ok' ? `${STOPPED_LABEL[status.state]} at step ${status.step + 1}` : series[i]?.metrics.loss?.length ? 'ok' : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
