/**
 * From token log-probs to each run's loss and per-step statistics.
 *
 * Granularity (SPEC 2):
 * - token: every answer position k is a unit with its own margin
 *   h_k = (log pi(c_k) - log ref(c_k)) - (log pi(r_k) - log ref(r_k)); the loss
 *   is the mean over all answer tokens (the notebook: losses.sum(-1) / mask.sum()).
 * - sequence: one unit per pair, on log-probs summed over the answer (DPO paper,
 *   TRL) or averaged over it (losses whose `aggregate` is 'mean'); the loss is
 *   the mean over pairs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../model/layers';
import type { Granularity } from './data';
import type { LossId, LossParams } from './catalog';
import { LOSSES } from './losses';
import type { PackedPairs } from './packing';

export interface RunObjective {
  loss: LossId;
  beta: number;
  params: LossParams;
}

/** Stats columns written per run and step, before grad_norm and the active flag. */
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

/**
 * tokenLogp [G, E] (entries ordered [branch][pair][k]) -> the sum of the runs'
 * losses, each times lossScale[r] if given (what gradients flow from; each
 * run's loss depends only on its own weights) and stats [G, STAT_COLUMNS.length + N] (the columns, then h_k).
 */
export function objective(
  tokenLogp: Tensor, runs: RunObjective[], k: ObjectiveConstants, lossScale: number[] | null,
): { total: Tensor; stats: Tensor } {
  const G = tokenLogp.shape[0]!;
  const [pc, pr] = tf.split(tf.reshape(tokenLogp, [G, 2, k.P, k.N]), 2, 1).map((x) => tf.reshape(x, [G, k.P, k.N])) as [Tensor, Tensor];
  const first = runs[0]!;
  const homogeneous = runs.every((r) => r.loss === first.loss && JSON.stringify(r.params) === JSON.stringify(first.params));
  let parts: { loss: Tensor; stats: Tensor }[];
  if (homogeneous) {
    parts = [runSubset(pc, pr, runs.map((r) => r.beta), first, k)];
  } else {
    // Different losses in one group: each run on its own slice (small tensors, cheap).
    const one = (x: Tensor, g: number) => tf.slice(x, [g, 0, 0], [1, k.P, k.N]);
    parts = runs.map((r, g) => runSubset(one(pc, g), one(pr, g), [r.beta], r, k));
  }
  const loss = parts.length === 1 ? parts[0]!.loss : tf.concat(parts.map((p) => p.loss));
  const stats = parts.length === 1 ? parts[0]!.stats : tf.concat(parts.map((p) => p.stats));
  // Scaling each run's loss by its SGD learning rate makes the gradient the update itself.
  const total = lossScale ? tf.sum(tf.mul(loss, tf.tensor1d(lossScale))) : tf.sum(loss);
  return { total, stats };
}

function runSubset(pc: Tensor, pr: Tensor, betas: number[], run: RunObjective, k: ObjectiveConstants): { loss: Tensor; stats: Tensor } {
  const g = pc.shape[0]!;
  const beta: Tensor | number = g === 1 ? betas[0]! : tf.tensor3d(betas, [g, 1, 1]);
  const info = LOSSES[run.loss];
  const mean = info.aggregate === 'mean';
  /** Per-pair answer log-prob [*, P, 1]: summed, or averaged over the answer. */
  const seq = (lp: Tensor, valid: Tensor, len: Tensor) => {
    const s = tf.sum(tf.mul(lp, valid), -1, true);
    return mean ? tf.div(s, len) : s;
  };
  const seqPc = seq(pc, k.validC, k.lenC);
  const seqPr = seq(pr, k.validR, k.lenR);
  const seqRc = seq(k.refC, k.validC, k.lenC);
  const seqRr = seq(k.refR, k.validR, k.lenR);
  const hTok = tf.sub(tf.sub(pc, k.refC), tf.sub(pr, k.refR)); // [g, P, N]

  let loss: Tensor;
  let rewardC: Tensor; // per pair [g, P]
  let rewardR: Tensor;
  let hLast: Tensor; // margin of the last unit [g, P, 1]
  if (k.granularity === 'token') {
    // Token level needs equal answer lengths (validated), so validC is the unit mask.
    const out = info.fn({ pc, pr, rc: k.refC, rr: k.refR, beta, params: run.params });
    loss = tf.div(tf.sum(tf.mul(out.losses, k.validC), [1, 2]), tf.sum(k.validC));
    rewardC = tf.squeeze(seq(out.chosenRewards, k.validC, k.lenC), [2]);
    rewardR = tf.squeeze(seq(out.rejectedRewards, k.validR, k.lenR), [2]);
    hLast = tf.sum(tf.mul(hTok, k.lastC), -1, true);
  } else {
    const out = info.fn({ pc: seqPc, pr: seqPr, rc: seqRc, rr: seqRr, beta, params: run.params });
    loss = tf.mean(out.losses, [1, 2]);
    rewardC = tf.squeeze(out.chosenRewards, [2]);
    rewardR = tf.squeeze(out.rejectedRewards, [2]);
    hLast = tf.sub(tf.sub(seqPc, seqRc), tf.sub(seqPr, seqRr));
  }
  const overPairs = (x: Tensor) => tf.mean(x, 1); // [g, P] -> [g]
  const columns = [
    loss,
    overPairs(rewardC),
    overPairs(rewardR),
    overPairs(tf.sub(rewardC, rewardR)),
    overPairs(tf.cast(tf.greater(rewardC, rewardR), 'float32')),
    overPairs(tf.squeeze(seqPc, [2])),
    overPairs(tf.squeeze(seqPr, [2])),
    overPairs(tf.sum(tf.mul(pc, k.lastC), -1)),
    overPairs(tf.sum(tf.mul(pr, k.lastR), -1)),
    overPairs(tf.squeeze(tf.sigmoid(tf.mul(beta, hLast)), [2])),
  ].map((c) => tf.reshape(c, [g, 1]));
  const hPerToken = tf.div(tf.sum(tf.mul(hTok, k.validBoth), 1), k.pairsPerToken); // [g, N]
  return { loss, stats: tf.concat([...columns, hPerToken], 1) };
}
