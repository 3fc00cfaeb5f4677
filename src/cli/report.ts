/** What `npm run experiment` prints and writes. Pure TS. */
import type { Experiment } from '../train/experiment';
import { runName } from '../train/run';
import { STOPPED_LABEL } from '../train/health';
export { resultsJson } from '../train/results';
import { hMetric, type RunLog } from '../train/metrics';
import { one } from './print';

const fmt = (v: number | undefined): string => {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4)) return v.toExponential(3);
  return v.toFixed(4);
};

/** A fixed-width table of each run's last recorded metrics. */
export function finalTable(e: Experiment, logs: RunLog[]): string {
  const names = e.runs.map(runName);
  const N = Math.max(...e.data.flatMap((p) => [p.chosen.length, p.rejected.length]));
  const header = ['run', 'loss', 'pi_rej', 'pi_chosen', 'sigma_margin', 'h (mean)', 'rewards/margins', 'status'];
  const rows = logs.map((log, i) => {
    const last = (name: string) => log.metrics[name]!.at(-1);
    const hs = Array.from({ length: N }, (_, k) => last(hMetric(k))).filter((v): v is number => v !== undefined);
    const hMean = hs.length ? hs.reduce((a, b) => a + b, 0) / hs.length : undefined;
    const status = log.status.state === 'ok' ? 'ok' : `${STOPPED_LABEL[log.status.state]} at step ${log.status.step + 1}`;
    return [one(names[i]!), fmt(last('loss')), fmt(last('pi_rej')), fmt(last('pi_chosen')), fmt(last('sigma_margin')), fmt(hMean), fmt(last('rewards/margins')), status];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const diverged = logs.flatMap((l, i) => (l.status.state !== 'ok' ? [`  ${one(names[i]!)}: ${one(l.status.reason)}`] : []));
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...diverged].join('\n');
}
