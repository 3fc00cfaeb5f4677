/**
 * Metric names (TRL's where TRL logs the quantity) and the host-side log of
 * every step of every run. Pure TS.
 */

/** Per-step scalars, in the order the trainer writes them. */
export const SCALAR_METRICS = [
  'loss',
  'rewards/chosen',
  'rewards/rejected',
  'rewards/margins',
  'rewards/accuracies',
  'logps/chosen',
  'logps/rejected',
  'grad_norm',
  /** Probability of the last chosen / rejected answer token (the notebook's neg_poilicy_prob). */
  'pi_chosen',
  'pi_rej',
  /** sigmoid(beta h) of the last unit (the notebook's logistic_prob). */
  'sigma_margin',
] as const;
export type ScalarMetric = (typeof SCALAR_METRICS)[number];

/** h of answer token k, averaged over pairs. */
export const hMetric = (k: number): string => `h/${k}`;

export const METRIC_HELP: Record<ScalarMetric, string> = {
  loss: 'the run\'s training loss',
  'rewards/chosen': 'beta * log(pi/ref) of the chosen answer (beta * mean log-prob for reference-free losses)',
  'rewards/rejected': 'the same for the rejected answer',
  'rewards/margins': 'rewards/chosen - rewards/rejected',
  'rewards/accuracies': 'fraction of pairs whose chosen reward beats the rejected one',
  'logps/chosen': 'policy log-prob of the chosen answer (summed, or averaged for length-averaged losses)',
  'logps/rejected': 'the same for the rejected answer',
  grad_norm: 'L2 norm of the gradient over all parameters',
  pi_chosen: 'probability of the last chosen token',
  pi_rej: 'probability of the last rejected token',
  sigma_margin: 'sigmoid(beta h) for the last token (or whole answer at sequence level)',
};

export type RunStatus =
  | { state: 'ok' }
  /** Stopped at `step` (0-based): not finite, a margin that blew up, or a collapse to uniform (health.ts). */
  | { state: 'diverged' | 'blew-up' | 'collapsed'; step: number; reason: string };

/** One run's history: metric name -> one value per completed step. */
export interface RunLog {
  metrics: Record<string, number[]>;
  status: RunStatus;
}

export function emptyRunLog(answerLength: number): RunLog {
  const metrics: Record<string, number[]> = {};
  for (const m of SCALAR_METRICS) metrics[m] = [];
  for (let k = 0; k < answerLength; k++) metrics[hMetric(k)] = [];
  return { metrics, status: { state: 'ok' } };
}
