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
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../model/layers';
import type { LossId, LossParams } from './catalog';
import type { Granularity } from './data';
import { LOSSES } from './losses';
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
  refC: Tensor; // [1, P, N] reference log-probs, computed once
  refR: Tensor;
  dispose: () => void;
}

export function buildObjectiveConstants(packed: PackedPairs, refTokenLogp: Tensor, granularity: Granularity): ObjectiveConstants {
  const { P, N } = packed;
  const pn = (a: Float32Array) => tf.tensor3d(a, [1, P, N]);
  const both = packed.validChosen.map((v, i) => v * packed.validRejected[i]!);
  const t = tf.tidy(() => {
    const validC = pn(packed.validChosen);
    const validR = pn(packed.validRejected);
    const [refC, refR] = tf.split(tf.reshape(refTokenLogp, [2, P, N]), 2, 0).map((x) => tf.reshape(x, [1, P, N])) as [Tensor, Tensor];
    return {
      validC, validR, refC, refR,
      lastC: pn(packed.lastChosen), lastR: pn(packed.lastRejected),
      lenC: tf.sum(validC, -1, true), lenR: tf.sum(validR, -1, true),
      validBoth: pn(both),
      pairsPerToken: tf.maximum(tf.sum(pn(both), 1), 1),
    };
  });
  return { P, N, granularity, ...t, dispose: () => tf.dispose(Object.values(t)) };
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
  beta: Tensor; // [G, 1, 1]
}

function split(tokenLogp: Tensor, runs: RunObjective[], k: ObjectiveConstants): Split {
  const G = tokenLogp.shape[0]!;
  const [pc, pr] = tf.split(tf.reshape(tokenLogp, [G, 2, k.P, k.N]), 2, 1).map((x) => tf.reshape(x, [G, k.P, k.N])) as [Tensor, Tensor];
  return { pc, pr, beta: tf.tensor3d(runs.map((r) => r.beta), [G, 1, 1]) };
}

/** Per-pair answer log-prob [*, P, 1]: summed, or averaged over the answer for 'mean' losses. */
function answerLogp(lp: Tensor, valid: Tensor, len: Tensor, mean: boolean): Tensor {
  const s = tf.sum(tf.mul(lp, valid), -1, true);
  return mean ? tf.div(s, len) : s;
}

/** The loss's units and its output: tokens [G, P, N] or answers [G, P, 1]. */
function evaluate(s: Split, g: LossGroup, k: ObjectiveConstants) {
  const info = LOSSES[g.run.loss];
  const mean = info.aggregate === 'mean';
  if (k.granularity === 'token') {
    return { out: info.fn({ pc: s.pc, pr: s.pr, rc: k.refC, rr: k.refR, beta: s.beta, params: g.run.params }), mean };
  }
  const units = {
    pc: answerLogp(s.pc, k.validC, k.lenC, mean), pr: answerLogp(s.pr, k.validR, k.lenR, mean),
    rc: answerLogp(k.refC, k.validC, k.lenC, mean), rr: answerLogp(k.refR, k.validR, k.lenR, mean),
  };
  return { out: info.fn({ ...units, beta: s.beta, params: g.run.params }), mean, units };
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
  const perGroup = groups.map((g) => {
    const { out, mean, units } = evaluate(s, g, k);
    const perPair = (x: Tensor, valid: Tensor, len: Tensor) => tf.squeeze(k.granularity === 'token' ? answerLogp(x, valid, len, mean) : x, [2]);
    const rewards = out.rewards();
    return {
      rewardC: perPair(rewards.chosen, k.validC, k.lenC), // [G, P]
      rewardR: perPair(rewards.rejected, k.validR, k.lenR),
      logpC: tf.squeeze(answerLogp(s.pc, k.validC, k.lenC, mean), [2]),
      logpR: tf.squeeze(answerLogp(s.pr, k.validR, k.lenR, mean), [2]),
      // Margin of the last unit: the last answer token, or the whole answer.
      hLast: units ? tf.sub(tf.sub(units.pc, units.rc), tf.sub(units.pr, units.rr)) : tf.sum(tf.mul(hTok, k.lastC), -1, true), // [G, P, 1]
    };
  });
  const pick = (f: (p: (typeof perGroup)[number]) => Tensor) => combine(groups, (g) => f(perGroup[groups.indexOf(g)]!));
  const rewardC = pick((p) => p.rewardC);
  const rewardR = pick((p) => p.rewardR);
  const overPairs = (x: Tensor) => tf.reshape(tf.mean(x, 1), [G, 1]);
  const columns = [
    tf.reshape(loss, [G, 1]),
    overPairs(rewardC),
    overPairs(rewardR),
    overPairs(tf.sub(rewardC, rewardR)),
    overPairs(tf.cast(tf.greater(rewardC, rewardR), 'float32')),
    overPairs(pick((p) => p.logpC)),
    overPairs(pick((p) => p.logpR)),
    overPairs(tf.sum(tf.mul(s.pc, k.lastC), -1)),
    overPairs(tf.sum(tf.mul(s.pr, k.lastR), -1)),
    overPairs(tf.squeeze(tf.sigmoid(tf.mul(s.beta, pick((p) => p.hLast))), [2])),
  ];
  const hPerToken = tf.div(tf.sum(tf.mul(hTok, k.validBoth), 1), k.pairsPerToken); // [G, N]
  return tf.concat([...columns, hPerToken], 1);
}
