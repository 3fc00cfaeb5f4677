/**
 * Is a run still learning? Read off each step's metrics, per run: a loss or
 * gradient that is not finite (diverged), a margin beyond anything float32
 * log-probs can mean (blew up), or a policy stuck on the uniform distribution
 * with no gradient left (collapsed). Each names its real cause: a loss that is
 * not finite before any update is the objective's (β), not the learning rate's.
 * Pure TS.
 */
import { LOSS_CATALOG } from './catalog';
import type { RunStatus } from './metrics';
import type { Run } from './run';

/** |h| above this means log pi of an answer token below -1e4: the model has saturated, not learned. */
export const H_BLOWUP = 1e4;
/** pi within this relative distance of 1/V, with a gradient norm under GRAD_DEAD: the uniform distribution. */
const UNIFORM_REL = 1e-3;
const GRAD_DEAD = 1e-6;

export interface StepReading {
  /** 0-based: step 0 is the forward pass at the initial weights, before any update. */
  step: number;
  loss: number;
  gradNorm: number;
  piChosen: number;
  piRej: number;
  h: number[];
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Math.round(v * 1e4) / 1e4));

/** The run's status after this step ('ok' while it is learning). */
export function checkHealth(r: StepReading, run: Pick<Run, 'loss' | 'beta' | 'lr'>, vocabSize: number): RunStatus {
  const at = `at step ${r.step + 1}`;
  const lr = `learning rate ${run.lr} is too large for this run`;
  if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
    const what = Number.isFinite(r.loss) ? `the gradient norm became ${r.gradNorm}` : `the loss became ${r.loss}`;
    if (r.step > 0) return { state: 'diverged', step: r.step, reason: `${what} ${at}; ${lr}` };
    // Nothing has been updated yet: the learning rate cannot be the cause.
    const ipoLike = LOSS_CATALOG[run.loss].betaMeaning.startsWith('τ');
    const target = ipoLike ? ` (IPO's target 1/(2β) = ${fmt(1 / (2 * run.beta))})` : '';
    return { state: 'diverged', step: 0, reason: `${what} at the initial weights, before any update, so the learning rate is not the cause: β = ${run.beta}${target} puts the loss beyond float32` };
  }
  const hMax = Math.max(0, ...r.h.map(Math.abs));
  if (hMax > H_BLOWUP) {
    return { state: 'blew-up', step: r.step, reason: `the margin h reached ${fmt(hMax)} ${at}, so log π of an answer token fell below -${fmt(H_BLOWUP)} and the model saturated (gradient norm ${fmt(r.gradNorm)}); ${lr}` };
  }
  // Even the chosen answer's probability underflowed and nothing moves: saturated, not converged
  // (DPO that merely overfits keeps pi(chosen) well above 0 while pi(rejected) falls).
  if (r.step > 0 && r.gradNorm === 0 && r.piChosen < 1e-30) {
    return { state: 'blew-up', step: r.step, reason: `the model saturated ${at}: π(chosen) fell to ${fmt(r.piChosen)}, the margin h to ${fmt(hMax)}, and the gradient is exactly 0; ${lr}` };
  }
  const uniform = (p: number) => Math.abs(p * vocabSize - 1) < UNIFORM_REL;
  if (r.step > 0 && uniform(r.piChosen) && uniform(r.piRej) && r.gradNorm < GRAD_DEAD) {
    return { state: 'collapsed', step: r.step, reason: `the policy collapsed to the uniform distribution ${at} (π = 1/${vocabSize} for every token, no gradient left); ${lr}` };
  }
  return { state: 'ok' };
}

/** What a stopped run shows in a badge or a table cell. */
export const STOPPED_LABEL: Record<Exclude<RunStatus['state'], 'ok'>, string> = {
  diverged: 'diverged',
  'blew-up': 'blew up',
  collapsed: 'collapsed',
};
