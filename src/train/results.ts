/**
 * Results of a comparison in the formats people take away: the JSON the
 * command line writes (and the app exports), and a long-format CSV. Pure TS.
 */
import type { Experiment } from './experiment';
import { runName } from './run';
import type { RunLog } from './metrics';

export interface ResultsJson {
  experiment: Experiment;
  backend: string;
  runs: { label: string; loss_type: string; beta: number; lr: number; optimizer: string; status: RunLog['status']; metrics: Record<string, number[]> }[];
}

/** Every metric of every step of every run, TRL names. */
export function resultsJson(e: Experiment, logs: RunLog[], backend: string): ResultsJson {
  const runs = e.runs;
  return {
    experiment: e,
    backend,
    runs: logs.map((log, i) => ({
      label: runName(runs[i]!),
      loss_type: runs[i]!.loss,
      beta: runs[i]!.beta,
      lr: runs[i]!.lr,
      optimizer: runs[i]!.optimizer,
      status: log.status,
      metrics: log.metrics,
    })),
  };
}

/**
 * One CSV cell. Numbers stay plain numbers (negative ones included) so they
 * parse back. Text that a spreadsheet would run as a formula (first character
 * =, +, -, @, tab or carriage return: OWASP's CSV injection list) gets a
 * leading single quote and quotes, so it shows as text; a run label is user
 * input and may arrive in a teaching link.
 */
export const csvCell = (v: string | number | undefined): string => {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
  if (/^[=+\-@\t\r]/.test(v)) return quote(`'${v}`);
  return /[",\n\r]/.test(v) ? quote(v) : v;
};

/** One row per run and step: run, label, loss_type, beta, lr, optimizer, step, then every metric (full float64 precision). */
export function resultsCsv(r: ResultsJson): string {
  const metrics = [...new Set(r.runs.flatMap((run) => Object.keys(run.metrics)))];
  const lines = [['run', 'label', 'loss_type', 'beta', 'lr', 'optimizer', 'step', ...metrics].join(',')];
  r.runs.forEach((run, i) => {
    const steps = Math.max(0, ...Object.values(run.metrics).map((v) => v.length));
    for (let s = 0; s < steps; s++) {
      lines.push([i + 1, run.label, run.loss_type, run.beta, run.lr, run.optimizer, s, ...metrics.map((m) => run.metrics[m]?.[s])].map(csvCell).join(','));
    }
  });
  return lines.join('\n') + '\n';
}
