/**
 * From token log-probs to each run's loss (on the gradient tape) and per-step
 * statistics (computed after the gradient, off the tape: recording them would
 * only add clones and backward bookkeeping).
 *
 * Granularity (SPEC 2):
 * - token: every answer position k is a unit with its own margin
 *   h_k = (log pi(c_k) - log ref(c_k)) - (log pi(r_k) - log ref(r_k)); the loss
 *   is the mean over all answer tokens (the notebook: losses.sum(-1) / mask.sum()).
 * - sequence: one unit per pair, on log-probs summed over the answer (DPO paper,
 *   TRL) or averaged over it (losses whose `aggregate` is 'mean'); the loss is
 *   the mean over pairs.
 *
 * Runs of one group may use different losses: each distinct loss is computed
 * once over all runs (one beta per run) and a 0/1 column per run picks it.
 * Runs are independent rows, so a diverging run cannot reach the others.
 *
 * KTO (unpaired) reads each answer as an example with its label, against z0,
 * the batch KL estimate from mismatched prompt/answer pairs (packing.ts adds
 * their rows when a run needs them): per example the log-ratio summed over
 * its answer, averaged over the examples (TRL), or at token level the mean
 * per-token log-ratio over every mismatched answer token; detached, and
 * clamped at 0. Its rewards and log-probs are averaged over the desirable
 * answers (`…/chosen`) and the undesirable ones (`…/rejected`), as TRL logs them.
 *
 * A comparison whose runs are all reference-free scores no reference: its
 * reference log-probs are zeros, so h is then the policy's own margin.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../model/layers';
import { aggregateOf, LOSS_CATALOG, type LossId, type LossParams } from './catalog';
import type { Granularity } from './data';
import { LOSSES, type KtoInputs } from './losses';
import type { PackedPairs } from './packing';

export interface RunObjective {
  loss: LossId;
  beta: number;
  params: LossParams;
}

/** Stats columns written per run and step, before h_k, grad_norm. */
export const STAT_COLUMNS = [
  'loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies',
  'logps/chosen', 'logps/rejected', 'logp_last_chosen', 'logp_last_rejected', 'sigma_margin',
  /** KTO's z0 for the run's policy (NaN when the comparison scores no mismatched pairs). */
  'kl',
  /** NLL of the chosen answers per token, over all their tokens (TRL's nll_loss: a cross-entropy over the chosen tokens). */
  'nll_loss',
] as const;

export interface ObjectiveConstants {
  P: number;
  N: number;
  granularity: Granularity;
  validC: Tensor; // [1, P, N]
  validR: Tensor;
  lastC: Tensor;
  lastR: Tensor;
  lenC: Tensor; // [1, P, 1]
  lenR: Tensor;
  validBoth: Tensor; // [1, P, N]
  pairsPerToken: Tensor; // [1, N] number of pairs with token k in both answers (at least 1)
  refC: Tensor; // [1, P, N] reference log-probs, computed once (zeros when no reference is scored)
  refR: Tensor;
  /** Branches per entry list: 2, or 4 with KTO's mismatched answers. */
  branches: 2 | 4;
  /** KTO's mismatched answers (null when not scored): valid masks and reference log-probs, [1, P, N]. */
  kl: { validC: Tensor; validR: Tensor; refC: Tensor; refR: Tensor } | null;
  desirableC: Tensor; // [1, P, 1] KTO's labels: 1 desirable, 0 undesirable
  desirableR: Tensor;
  dispose: () => void;
}

/** refTokenLogp: the reference's [1, E] log-probs, or null when no run needs a reference (zeros then). */
export function buildObjectiveConstants(packed: PackedPairs, refTokenLogp: Tensor | null, granularity: Granularity): ObjectiveConstants {
  const { P, N, branches } = packed;
  const pn = (a: Float32Array) => tf.tensor3d(a, [1, P, N]);
  const both = packed.validChosen.map((v, i) => v * packed.validRejected[i]!);
  const t = tf.tidy(() => {
    const validC = pn(packed.validChosen);
    const validR = pn(packed.validRejected);
    const ref = refTokenLogp ?? tf.zeros([1, branches * P * N]);
    const refs = tf.split(tf.reshape(ref, [branches, P, N]), branches, 0).map((x) => tf.reshape(x, [1, P, N]));
    return {
      validC, validR, refC: refs[0]!, refR: refs[1]!,
      lastC: pn(packed.lastChosen), lastR: pn(packed.lastRejected),
      lenC: tf.sum(validC, -1, true), lenR: tf.sum(validR, -1, true),
      validBoth: pn(both),
      pairsPerToken: tf.maximum(tf.sum(pn(both), 1), 1),
      desirableC: tf.tensor3d(packed.desirableChosen, [1, P, 1]),
      desirableR: tf.tensor3d(packed.desirableRejected, [1, P, 1]),
      ...(branches === 4 && { klValidC: pn(packed.validKlChosen), klValidR: pn(packed.validKlRejected), klRefC: refs[2]!, klRefR: refs[3]! }),
    };
  });
  const { klValidC, klValidR, klRefC, klRefR, ...rest } = t;
  const kl = klValidC && klValidR && klRefC && klRefR ? { validC: klValidC, validR: klValidR, refC: klRefC, refR: klRefR } : null;
  return { P, N, granularity, branches, kl, ...rest, dispose: () => tf.dispose(Object.values(t)) };
}

/** Runs sharing one loss and its parameters, with a 0/1 vector [G] that picks them (null when all runs do). */
interface LossGroup {
  run: RunObjective;
  pick: Tensor | null;
}

function lossGroups(runs: RunObjective[]): LossGroup[] {
  const keys = runs.map((r) => `${r.loss}|${JSON.stringify(r.params)}`);
  const distinct = [...new Set(keys)];
  return distinct.map((key) => ({
    run: runs[keys.indexOf(key)]!,
    pick: distinct.length === 1 ? null : tf.tensor1d(keys.map((k) => (k === key ? 1 : 0))),
  }));
}

/** Sum over loss groups of pick * value, value [G, ...] (the value itself when one loss covers every run). */
function combine(groups: LossGroup[], value: (g: LossGroup) => Tensor): Tensor {
  const parts = groups.map((g) => {
    const v = value(g);
    return g.pick ? tf.mul(tf.reshape(g.pick, [v.shape[0]!, ...v.shape.slice(1).map(() => 1)]), v) : v;
  });
  return parts.length === 1 ? parts[0]! : tf.addN(parts);
}

interface Split {
  pc: Tensor; // [G, P, N]
  pr: Tensor;
  /** The policy's log-probs of the mismatched answers (KTO), [G, P, N]; null when not scored. */
  klC: Tensor | null;
  klR: Tensor | null;
  beta: Tensor; // [G, 1, 1]
}

function split(tokenLogp: Tensor, runs: RunObjective[], k: ObjectiveConstants): Split {
  const G = tokenLogp.shape[0]!;
  const parts = tf.split(tf.reshape(tokenLogp, [G, k.branches, k.P, k.N]), k.branches, 1).map((x) => tf.reshape(x, [G, k.P, k.N]));
  return { pc: parts[0]!, pr: parts[1]!, klC: parts[2] ?? null, klR: parts[3] ?? null, beta: tf.tensor3d(runs.map((r) => r.beta), [G, 1, 1]) };
}

/** The identity whose gradient is zero (TRL's .detach()): tfjs has no stopGradient. */
const detach = tf.customGrad((x) => ({ value: tf.clone(x as Tensor), gradFunc: (dy: Tensor) => tf.zerosLike(dy) }));

/**
 * KTO's z0 per run, [G, 1, 1]: the mean log-ratio log pi/ref of the mismatched answers (summed over each
 * answer, averaged over the 2P examples; at token level averaged over their tokens), detached, clamped at 0.
 */
export function klEstimate(s: Split, k: ObjectiveConstants): Tensor {
  if (!k.kl || !s.klC || !s.klR) throw new Error('KTO needs the mismatched prompt/answer pairs, which this comparison did not score');
  const G = s.pc.shape[0]!;
  const total = tf.add(tf.sum(tf.mul(tf.sub(s.klC, k.kl.refC), k.kl.validC), [1, 2]), tf.sum(tf.mul(tf.sub(s.klR, k.kl.refR), k.kl.validR), [1, 2])); // [G]
  const count = k.granularity === 'token' ? tf.add(tf.sum(k.kl.validC), tf.sum(k.kl.validR)) : 2 * k.P;
  return tf.reshape(tf.relu(detach(tf.div(total, count))), [G, 1, 1]);
}

/** Per-pair answer log-prob [*, P, 1]: summed, or averaged over the answer for 'mean' losses. */
function answerLogp(lp: Tensor, valid: Tensor, len: Tensor, mean: boolean): Tensor {
  const s = tf.sum(tf.mul(lp, valid), -1, true);
  return mean ? tf.div(s, len) : s;
}

/** The loss's units and its output: tokens [G, P, N] or answers [G, P, 1]. */
function evaluate(s: Split, g: LossGroup, k: ObjectiveConstants) {
  const info = LOSSES[g.run.loss];
  const mean = aggregateOf(g.run.loss, g.run.params) === 'mean';
  const kto: KtoInputs | undefined = info.unpaired ? { z0: klEstimate(s, k), desirableC: k.desirableC, desirableR: k.desirableR } : undefined;
  const extra = { beta: s.beta, params: g.run.params, ...(kto && { kto }) };
  if (k.granularity === 'token') {
    return { out: info.fn({ pc: s.pc, pr: s.pr, rc: k.refC, rr: k.refR, ...extra }), mean };
  }
  const units = {
    pc: answerLogp(s.pc, k.validC, k.lenC, mean), pr: answerLogp(s.pr, k.validR, k.lenR, mean),
    rc: answerLogp(k.refC, k.validC, k.lenC, mean), rr: answerLogp(k.refR, k.validR, k.lenR, mean),
  };
  // CPO's NLL is TRL's cross-entropy over every chosen token: each pair's sum over the mean chosen length,
  // so that the mean over pairs is the mean over all chosen tokens.
  const chosenMeanLogp = tf.div(answerLogp(s.pc, k.validC, k.lenC, false), tf.mean(k.lenC));
  return { out: info.fn({ ...units, ...extra, chosenMeanLogp }), mean, units };
}

function reduceLoss(losses: Tensor, k: ObjectiveConstants): Tensor {
  return k.granularity === 'token' ? tf.div(tf.sum(tf.mul(losses, k.validC), [1, 2]), tf.sum(k.validC)) : tf.mean(losses, [1, 2]);
}

/**
 * Each run's loss [G] from tokenLogp [G, E] (entries ordered [branch][pair][k]).
 * Gradients flow from the sum (each run's loss depends only on its own weights).
 */
export function runLosses(tokenLogp: Tensor, runs: RunObjective[], k: ObjectiveConstants): Tensor {
  const s = split(tokenLogp, runs, k);
  const groups = lossGroups(runs);
  return combine(groups, (g) => reduceLoss(evaluate(s, g, k).out.losses, k));
}

/** Statistics [G, STAT_COLUMNS.length + N] (the columns, then h_k); `loss` is runLosses' result. */
export function runStats(tokenLogp: Tensor, runs: RunObjective[], k: ObjectiveConstants, loss: Tensor): Tensor {
  const G = tokenLogp.shape[0]!;
  const s = split(tokenLogp, runs, k);
  const groups = lossGroups(runs);
  const hTok = tf.sub(tf.sub(s.pc, k.refC), tf.sub(s.pr, k.refR)); // [G, P, N]
  const overPairs = (x: Tensor) => tf.reshape(tf.mean(x, 1), [G, 1]);
  // KTO (TRL): averages over the desirable answers and over the undesirable ones, wherever they sit in the pairs.
  const dC = tf.reshape(k.desirableC, [1, k.P]);
  const dR = tf.reshape(k.desirableR, [1, k.P]);
  const overLabel = (c: Tensor, r: Tensor, desirable: boolean) => {
    const [wc, wr] = desirable ? [dC, dR] : [tf.sub(1, dC), tf.sub(1, dR)];
    return tf.div(tf.reshape(tf.sum(tf.add(tf.mul(c, wc), tf.mul(r, wr)), 1), [G, 1]), tf.maximum(tf.sum(tf.add(wc, wr)), 1));
  };
  const perGroup = groups.map((g) => {
    const { out, mean, units } = evaluate(s, g, k);
    const perPair = (x: Tensor, valid: Tensor, len: Tensor) => tf.squeeze(k.granularity === 'token' ? answerLogp(x, valid, len, mean) : x, [2]);
    const rewards = out.rewards();
    const rewardC = perPair(rewards.chosen, k.validC, k.lenC); // [G, P]
    const rewardR = perPair(rewards.rejected, k.validR, k.lenR);
    const logpC = tf.squeeze(answerLogp(s.pc, k.validC, k.lenC, mean), [2]);
    const logpR = tf.squeeze(answerLogp(s.pr, k.validR, k.lenR, mean), [2]);
    const byLabel = LOSS_CATALOG[g.run.loss].unpaired === true;
    const average = (c: Tensor, r: Tensor, first: boolean) => (byLabel ? overLabel(c, r, first) : overPairs(first ? c : r));
    return {
      rewardC, rewardR,
      meanRewardC: average(rewardC, rewardR, true), meanRewardR: average(rewardC, rewardR, false), // [G, 1]
      meanLogpC: average(logpC, logpR, true), meanLogpR: average(logpC, logpR, false),
      // Margin of the last unit: the last answer token, or the whole answer.
      hLast: units ? tf.sub(tf.sub(units.pc, units.rc), tf.sub(units.pr, units.rr)) : tf.sum(tf.mul(hTok, k.lastC), -1, true), // [G, P, 1]
    };
  });
  const pick = (f: (p: (typeof perGroup)[number]) => Tensor) => combine(groups, (g) => f(perGroup[groups.indexOf(g)]!));
  const rewardC = pick((p) => p.meanRewardC);
  const rewardR = pick((p) => p.meanRewardR);
  const columns = [
    tf.reshape(loss, [G, 1]),
    rewardC,
    rewardR,
    tf.sub(rewardC, rewardR),
    overPairs(tf.cast(tf.greater(pick((p) => p.rewardC), pick((p) => p.rewardR)), 'float32')),
    pick((p) => p.meanLogpC),
    pick((p) => p.meanLogpR),
    overPairs(tf.sum(tf.mul(s.pc, k.lastC), -1)),
    overPairs(tf.sum(tf.mul(s.pr, k.lastR), -1)),
    overPairs(tf.squeeze(tf.sigmoid(tf.mul(s.beta, pick((p) => p.hLast))), [2])),
    k.kl ? tf.reshape(klEstimate(s, k), [G, 1]) : tf.fill([G, 1], NaN),
    tf.reshape(tf.div(tf.neg(tf.sum(tf.mul(s.pc, k.validC), [1, 2])), tf.sum(k.validC)), [G, 1]),
  ];
  const hPerToken = tf.div(tf.sum(tf.mul(hTok, k.validBoth), 1), k.pairsPerToken); // [G, N]
  return tf.concat([...columns, hPerToken], 1);
}
