/**
 * The preference-loss zoo. Each loss is a pure function of per-unit log-probs
 * (a unit is one answer token, or one whole answer; see trainer.ts) returning
 * per-unit losses and implicit rewards, as in eric-mitchell/direct-preference-
 * optimization `preference_loss`. Inputs and outputs are tensors of one shape.
 *
 * Notation: pc, pr = log pi(chosen), log pi(rejected) under the policy;
 * rc, rr = the same under the frozen reference;
 * h = (pc - rc) - (pr - rr), the implicit-reward margin before beta.
 *
 * log sigmoid(z) is written -softplus(-z): tf.logSigmoid's gradient crashes
 * when its input is computed in the loss (tfjs 4.22, SPEC 6).
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../model/layers';
import { LOSS_CATALOG, type LossId, type LossInfo, type LossParams } from './catalog';

export { LOSS_IDS, DEFAULT_LOSS_PARAMS, type LossId, type LossParams } from './catalog';

export interface LossInputs {
  pc: Tensor;
  pr: Tensor;
  rc: Tensor;
  rr: Tensor;
  /** A number, or a tensor that broadcasts against the inputs (one beta per run). */
  beta: Tensor | number;
  params: LossParams;
  /**
   * Per unit, minus CPO's NLL term: the chosen log-prob per token, such that the mean over units is the mean
   * over every chosen token (TRL's cross-entropy). Absent: pc itself (a token unit).
   */
  chosenMeanLogp?: Tensor;
  /** KTO only: its reference point and each answer's label (objective.ts computes them). */
  kto?: KtoInputs;
}

export interface KtoInputs {
  /** z0: the batch KL estimate, detached and clamped at 0; one per run, broadcast against the units. */
  z0: Tensor;
  /** 1 where the chosen / rejected answer of a unit's pair is desirable, 0 where undesirable. */
  desirableC: Tensor;
  desirableR: Tensor;
}

export interface LossOutput {
  losses: Tensor;
  /** The implicit rewards, computed on demand (the training step needs only the losses). */
  rewards: () => { chosen: Tensor; rejected: Tensor };
}

const logSigmoid = (z: Tensor): Tensor => tf.neg(tf.softplus(tf.neg(z)));

/** Implicit rewards beta * log(pi / ref) of DPO and its relatives. */
function referenceRewards(x: LossInputs): Pick<LossOutput, 'rewards'> {
  return { rewards: () => ({ chosen: tf.mul(x.beta, tf.sub(x.pc, x.rc)), rejected: tf.mul(x.beta, tf.sub(x.pr, x.rr)) }) };
}

/** Rewards beta * log pi of the reference-free losses. */
function policyRewards(x: LossInputs): Pick<LossOutput, 'rewards'> {
  return { rewards: () => ({ chosen: tf.mul(x.beta, x.pc), rejected: tf.mul(x.beta, x.pr) }) };
}

function margin(x: LossInputs): Tensor {
  return tf.sub(tf.sub(x.pc, x.rc), tf.sub(x.pr, x.rr));
}

/** DPO, Rafailov et al. 2023, eq. 7: -log sigmoid(beta h). */
function dpo(x: LossInputs): LossOutput {
  return { losses: tf.neg(logSigmoid(tf.mul(x.beta, margin(x)))), ...referenceRewards(x) };
}

/** IPO, Azar et al. 2023, eq. 17: (h - 1/(2 beta))^2; h regresses to 1/(2 beta) instead of growing without bound. */
function ipo(x: LossInputs): LossOutput {
  const target = tf.div(0.5, x.beta);
  return { losses: tf.square(tf.sub(margin(x), target)), ...referenceRewards(x) };
}

/** cDPO, Mitchell 2023 "A note on DPO with noisy preferences": labels flipped with probability eps. */
function cdpo(x: LossInputs): LossOutput {
  const z = tf.mul(x.beta, margin(x));
  const eps = x.params.labelSmoothing;
  return { losses: tf.sub(tf.mul(-(1 - eps), logSigmoid(z)), tf.mul(eps, logSigmoid(tf.neg(z)))), ...referenceRewards(x) };
}

/** Robust DPO, Chowdhury et al. 2024, eq. 7 (TRL "robust"): an unbiased loss under label noise eps. */
function robust(x: LossInputs): LossOutput {
  const z = tf.mul(x.beta, margin(x));
  const eps = x.params.labelSmoothing;
  const unnormalised = tf.add(tf.mul(-(1 - eps), logSigmoid(z)), tf.mul(eps, logSigmoid(tf.neg(z))));
  return { losses: tf.div(unnormalised, 1 - 2 * eps), ...referenceRewards(x) };
}

/** Hinge / SLiC-HF, Zhao et al. 2023 (TRL "hinge"): max(0, 1 - beta h). */
function hinge(x: LossInputs): LossOutput {
  return { losses: tf.relu(tf.sub(1, tf.mul(x.beta, margin(x)))), ...referenceRewards(x) };
}

/**
 * DPO-Positive (Smaug), Pal et al. 2024, eq. 3:
 * -log sigmoid(beta (h - lambda * max(0, log ref(chosen) - log pi(chosen)))),
 * which stops the chosen answer's probability from falling below the reference's.
 */
function dpop(x: LossInputs): LossOutput {
  const penalty = tf.mul(x.params.dpopLambda, tf.relu(tf.sub(x.rc, x.pc)));
  return { losses: tf.neg(logSigmoid(tf.mul(x.beta, tf.sub(margin(x), penalty)))), ...referenceRewards(x) };
}

/** SimPO, Meng et al. 2024, eq. 6: -log sigmoid(beta (pc - pr) - gamma) on length-averaged log-probs, no reference. */
function simpo(x: LossInputs): LossOutput {
  const z = tf.sub(tf.mul(x.beta, tf.sub(x.pc, x.pr)), x.params.simpoGamma);
  return { losses: tf.neg(logSigmoid(z)), ...policyRewards(x) };
}

/** log(1 - e^x) for x < 0, via tanh (tfjs-wasm has no expm1): 1 - e^x = -2t/(1 - t), t = tanh(x/2). */
function log1mExp(x: Tensor): Tensor {
  const t = tf.tanh(tf.mul(tf.minimum(x, -1e-6), 0.5));
  return tf.sub(tf.log(tf.mul(t, -2)), tf.log(tf.sub(1, t)));
}

/**
 * ORPO, Hong et al. 2024, eqs. 6-7: NLL of the chosen answer plus
 * lambda * -log sigmoid(log odds(chosen) - log odds(rejected)),
 * odds(y) = p / (1 - p) with p the length-averaged probability. No reference;
 * beta plays lambda (as in TRL's ORPOConfig).
 */
function orpo(x: LossInputs): LossOutput {
  const logOddsRatio = tf.sub(tf.sub(x.pc, x.pr), tf.sub(log1mExp(x.pc), log1mExp(x.pr)));
  const losses = tf.sub(tf.neg(x.pc), tf.mul(x.beta, logSigmoid(logOddsRatio)));
  return { losses, ...policyRewards(x) };
}

/**
 * KTO, Ethayarajh et al. 2024 (the KTO loss; TRL KTOTrainer, loss_type="kto"). Each answer is an example:
 * with r = log pi/ref, a desirable one costs lambda_D (1 - sigmoid(beta (r - z0))), an undesirable one
 * lambda_U (1 - sigmoid(beta (z0 - r))). A unit holds a pair's two answers, so its loss is their mean,
 * and the mean over units is TRL's mean over all examples.
 */
function kto(x: LossInputs): LossOutput {
  if (!x.kto) throw new Error('KTO needs its reference point z0 and the answers\' labels');
  const { z0, desirableC, desirableR } = x.kto;
  const term = (logratio: Tensor, desirable: Tensor) => {
    const u = tf.mul(x.beta, tf.sub(logratio, z0));
    // 1 - sigmoid(u) = sigmoid(-u), 1 - sigmoid(-u) = sigmoid(u).
    const gain = tf.mul(tf.mul(desirable, x.params.ktoLambdaD), tf.sigmoid(tf.neg(u)));
    const loss = tf.mul(tf.mul(tf.sub(1, desirable), x.params.ktoLambdaU), tf.sigmoid(u));
    return tf.add(gain, loss);
  };
  const losses = tf.mul(tf.add(term(tf.sub(x.pc, x.rc), desirableC), term(tf.sub(x.pr, x.rr), desirableR)), 0.5);
  return { losses, ...referenceRewards(x) };
}

/**
 * CPO, Xu et al. 2024, eq. 3 plus alpha times the NLL of the chosen answer (TRL CPOTrainer: loss =
 * mean preference loss + cpo_alpha * nll). The preference term is DPO's with the reference left out
 * (sigmoid), or TRL's hinge or IPO variant on the same reference-free margin.
 */
function cpo(x: LossInputs): LossOutput {
  const h = tf.sub(x.pc, x.pr);
  const variant = x.params.cpoVariant;
  const preference =
    variant === 'hinge' ? tf.relu(tf.sub(1, tf.mul(x.beta, h)))
      : variant === 'ipo' ? tf.square(tf.sub(h, tf.div(0.5, x.beta)))
        : tf.neg(logSigmoid(tf.mul(x.beta, h)));
  const nll = tf.neg(x.chosenMeanLogp ?? x.pc);
  return { losses: tf.add(preference, tf.mul(x.params.cpoAlpha, nll)), ...policyRewards(x) };
}

/** The catalog's loss entries with their implementations. */
export const LOSSES: Record<LossId, LossInfo & { fn: (x: LossInputs) => LossOutput }> = {
  dpo: { ...LOSS_CATALOG.dpo, fn: dpo },
  ipo: { ...LOSS_CATALOG.ipo, fn: ipo },
  ipo_mean: { ...LOSS_CATALOG.ipo_mean, fn: ipo },
  cdpo: { ...LOSS_CATALOG.cdpo, fn: cdpo },
  robust: { ...LOSS_CATALOG.robust, fn: robust },
  hinge: { ...LOSS_CATALOG.hinge, fn: hinge },
  dpop: { ...LOSS_CATALOG.dpop, fn: dpop },
  simpo: { ...LOSS_CATALOG.simpo, fn: simpo },
  orpo: { ...LOSS_CATALOG.orpo, fn: orpo },
  kto: { ...LOSS_CATALOG.kto, fn: kto },
  cpo: { ...LOSS_CATALOG.cpo, fn: cpo },
};
