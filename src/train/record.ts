/**
 * One step's statistics row into a run's log: the metrics under their names,
 * and the run's health (health.ts). Pure TS: the trainer reads the row off the
 * device, this files it.
 */
import { checkHealth } from './health';
import { hMetric, KL_METRIC, type RunLog, type ScalarMetric } from './metrics';
import { STAT_COLUMNS } from './objective';
import type { Run } from './run';

const COLS = STAT_COLUMNS.length;

/** row = [STAT_COLUMNS..., h_0..h_{N-1}, grad_norm]; a stopped run records nothing more. */
export function recordStep(log: RunLog, step: number, row: ArrayLike<number>, N: number, run: Run, vocabSize: number): void {
  if (log.status.state !== 'ok') return;
  const col = (name: (typeof STAT_COLUMNS)[number]) => row[STAT_COLUMNS.indexOf(name)]!;
  const gradNorm = row[COLS + N]!;
  const h = Array.from({ length: N }, (_, k) => row[COLS + k]!);
  // Exponentiate in float64 on the host: the log-prob keeps 1e-30 and below exact (SPEC 6).
  const piChosen = Math.exp(col('logp_last_chosen'));
  const piRej = Math.exp(col('logp_last_rejected'));
  const status = checkHealth({ step, loss: col('loss'), gradNorm, piChosen, piRej, h }, run, vocabSize);
  if (status.state === 'diverged') {
    log.status = status; // nothing finite to record
    return;
  }
  const m = log.metrics;
  const push = (name: ScalarMetric, v: number) => m[name]!.push(v);
  for (const name of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies', 'logps/chosen', 'logps/rejected', 'sigma_margin', 'nll_loss'] as const) {
    push(name, col(name));
  }
  push('grad_norm', gradNorm);
  push('pi_chosen', piChosen);
  push('pi_rej', piRej);
  for (let k = 0; k < N; k++) m[hMetric(k)]!.push(h[k]!);
  m[KL_METRIC]?.push(col('kl'));
  // A run that blew up or collapsed keeps the step that shows it, then stops.
  log.status = status;
}
