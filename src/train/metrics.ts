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
  /** NLL of the chosen answers per token (TRL's CPO and ORPO log it as nll_loss). */
  'nll_loss',
] as const;
export type ScalarMetric = (typeof SCALAR_METRICS)[number];

/** h of answer token k, averaged over pairs. */
export const hMetric = (k: number): string => `h/${k}`;

export const METRIC_HELP: Record<ScalarMetric, string> = {
  loss: 'the run\'s training loss',
  'rewards/chosen': 'beta * log(pi/ref) of the chosen answer (beta * log-prob for reference-free losses; for KTO, averaged over the desirable answers)',
  'rewards/rejected': 'the same for the rejected answer (for KTO, over the undesirable answers)',
  'rewards/margins': 'rewards/chosen - rewards/rejected',
  'rewards/accuracies': 'fraction of pairs whose chosen reward beats the rejected one',
  'logps/chosen': 'policy log-prob of the chosen answer (summed, or averaged for length-averaged losses; for KTO, over the desirable answers)',
  'logps/rejected': 'the same for the rejected answer (for KTO, over the undesirable answers)',
  grad_norm: 'L2 norm of the gradient over all parameters',
  pi_chosen: 'probability of the last chosen token',
  pi_rej: 'probability of the last rejected token',
  sigma_margin: 'sigmoid(beta h) for the last token (or whole answer at sequence level)',
  nll_loss: 'negative log-likelihood of the chosen answers, per token (what CPO adds, α times; TRL\'s CPO and ORPO log it)',
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

/**
 * KTO's z0 (TRL logs it as `kl`): the batch KL estimate of the run's policy from mismatched
 * prompt/answer pairs, clamped at 0. Logged for every run of a comparison that scores those pairs
 * (one with a KTO run), and only there.
 */
export const KL_METRIC = 'kl';
export const KL_HELP = 'KTO\'s reference point z0: the batch KL estimate log π/π_ref over mismatched prompt/answer pairs, clamped at 0 (every run of a comparison with a KTO run)';

/**
 * Each run's values recorded since the last call, with its status; `sent` (steps already taken, per
 * run) moves on. What the worker tells the page at each read, and a shard tells the training worker.
 */
export function takeNewValues(logs: readonly RunLog[], sent: number[]): RunLog[] {
  return logs.map((log, r) => {
    const metrics: Record<string, number[]> = {};
    for (const [name, values] of Object.entries(log.metrics)) metrics[name] = values.slice(sent[r]);
    sent[r] = log.metrics.loss!.length;
    return { metrics, status: log.status };
  });
}

export function emptyRunLog(answerLength: number, kl = false): RunLog {
  const metrics: Record<string, number[]> = {};
  for (const m of SCALAR_METRICS) metrics[m] = [];
  for (let k = 0; k < answerLength; k++) metrics[hMetric(k)] = [];
  if (kl) metrics[KL_METRIC] = [];
  return { metrics, status: { state: 'ok' } };
}
