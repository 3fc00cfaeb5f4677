/**
 * Packs preference pairs into model rows, and says which rows score which
 * answer tokens.
 *
 * A pair becomes ONE row sequence [prompt | chosen | rejected]: chosen rows
 * attend to the prompt and earlier chosen rows, rejected rows to the prompt
 * and earlier rejected rows, and both answers take RoPE positions after the
 * prompt. This is exactly the two causal sequences prompt+chosen and
 * prompt+rejected, with the shared prompt computed once (14 rows instead of
 * 20 for the notebook pair). Pure TS.
 *
 * ForwardOptions reproduce the notebook's own forward (SPEC 1b) when asked;
 * the defaults are the standard forward above.
 */
import type { RowBatch } from '../model/llama';
import { answerLabels, type PreferencePair, type ScoringMode } from './data';

export interface PackedPairs {
  batch: RowBatch;
  P: number; // pairs
  N: number; // longest answer
  T: number; // rows per packed sequence
  /** Scored entries, ordered [branch (0 chosen, 1 rejected)][pair][k]: 2*P*N of them. */
  selectRow: Int32Array; // flat row index b*T + i whose logits score the entry
  target: Int32Array; // token the entry scores
  validChosen: Float32Array; // [P, N] 1 where the chosen answer has a token k
  validRejected: Float32Array; // [P, N]
  lastChosen: Float32Array; // [P, N] one-hot at the last chosen token
  lastRejected: Float32Array; // [P, N]
  /** Answer branches scored: 2 (chosen, rejected), or 4 with KTO's mismatched answers (branches 2 and 3). */
  branches: 2 | 4;
  /** [P, N] where the mismatched answer scored with pair b's prompt for its chosen / rejected example has token k (empty without them). */
  validKlChosen: Float32Array;
  validKlRejected: Float32Array;
  /** [P] KTO's labels: 1 where the pair's chosen / rejected answer is desirable. */
  desirableChosen: Float32Array;
  desirableRejected: Float32Array;
}

/**
 * KTO's mismatched pairs, as TRL builds them (KTOTrainer: KL_completion_ids = the batch's completions
 * shifted by one): the examples in order [chosen of pair 0..P-1, rejected of pair 0..P-1], and example
 * i's prompt scored with example i-1's answer (the first with the last). With two pairs or more every
 * such answer belongs to another prompt; with one pair the two answers of its prompt swap.
 */
export function mismatchedAnswers(pairs: PreferencePair[]): { forChosen: number[][]; forRejected: number[][] } {
  const examples = [...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)];
  const shifted = examples.map((_, i) => examples[(i - 1 + examples.length) % examples.length]!);
  return { forChosen: shifted.slice(0, pairs.length), forRejected: shifted.slice(pairs.length) };
}

export interface ForwardOptions {
  /**
   * causal: answer rows see the prompt and earlier rows of their own answer.
   * answer-only: the notebook passes the answer mask as attention_mask, so
   * answer rows see only earlier rows of their own answer (not the prompt),
   * and prompt rows only themselves. RoPE positions are unchanged.
   */
  attention: 'causal' | 'answer-only';
  /**
   * rejected: the rejected answer is scored in its own sequence.
   * chosen: the notebook's x_rejected quirk: the rejected answer's tokens are
   * scored on the rows of the chosen sequence (same rows, other targets).
   */
  rejectedInput: 'rejected' | 'chosen';
}

export const STANDARD_FORWARD: Readonly<ForwardOptions> = Object.freeze({ attention: 'causal', rejectedInput: 'rejected' });
/** The MA-RLHF notebook's forward, for replaying its printed numbers (SPEC 1b). */
export const NOTEBOOK_FORWARD: Readonly<ForwardOptions> = Object.freeze({ attention: 'answer-only', rejectedInput: 'chosen' });

/** What else to pack: KTO's mismatched prompt/answer pairs (only when a run needs them: they cost rows). */
export interface PackExtras {
  mismatched?: boolean;
}

export function packPairs(pairs: PreferencePair[], scoring: ScoringMode, options: ForwardOptions = STANDARD_FORWARD, extras: PackExtras = {}): PackedPairs {
  const answerOnly = options.attention === 'answer-only';
  // With the quirk there is no rejected sequence: its rows are not packed at all.
  const onChosen = options.rejectedInput === 'chosen';
  const bad = onChosen ? pairs.findIndex((p) => p.rejected.length > p.chosen.length) : -1;
  if (bad >= 0) throw new Error(`pair ${bad + 1}: scoring the rejected answer on the chosen sequence needs it no longer than the chosen answer`);
  const P = pairs.length;
  const N = Math.max(...pairs.flatMap((p) => [p.chosen.length, p.rejected.length]));
  const kl = extras.mismatched ? mismatchedAnswers(pairs) : null;
  // Each answer's rows after the prompt: chosen, rejected (not with the quirk), then KTO's mismatched answers.
  const answersOf = (b: number): number[][] => [pairs[b]!.chosen, onChosen ? [] : pairs[b]!.rejected, ...(kl ? [kl.forChosen[b]!, kl.forRejected[b]!] : [])];
  const T = Math.max(...pairs.map((p, b) => p.prompt.length + answersOf(b).reduce((n, a) => n + a.length, 0)));
  const tokens: number[][] = [];
  const positions: number[][] = [];
  const segment: Int8Array[] = []; // 0 prompt, 1 chosen, 2 rejected, 3 and 4 mismatched answers, -1 padding
  const starts: number[][] = []; // first row of each answer segment, per pair
  for (const [b, p] of pairs.entries()) {
    const Lp = p.prompt.length;
    const rowTokens = [...p.prompt];
    const pos = p.prompt.map((_, i) => i);
    const seg = new Int8Array(T).fill(-1);
    seg.fill(0, 0, Lp);
    starts.push(answersOf(b).map((answer, a) => {
      const start = rowTokens.length;
      rowTokens.push(...answer);
      pos.push(...answer.map((_, k) => Lp + k));
      seg.fill(a + 1, start, rowTokens.length);
      return start;
    }));
    while (rowTokens.length < T) {
      rowTokens.push(0);
      pos.push(0);
    }
    tokens.push(rowTokens);
    positions.push(pos);
    segment.push(seg);
  }
  const attends = (b: number, i: number, j: number): boolean => {
    const si = segment[b]![i]!;
    const sj = segment[b]![j]!;
    if (si === -1 || sj === -1) return i === j; // padding sees only itself and is never seen
    if (j > i) return false;
    if (answerOnly) return si === 0 ? i === j : sj === si; // attention_mask = answer mask
    return sj === 0 || sj === si; // the prompt, or earlier rows of the same answer
  };

  const branches = kl ? 4 : 2;
  const E = branches * P * N;
  const selectRow = new Int32Array(E);
  const target = new Int32Array(E);
  const validChosen = new Float32Array(P * N);
  const validRejected = new Float32Array(P * N);
  const lastChosen = new Float32Array(P * N);
  const lastRejected = new Float32Array(P * N);
  const validKlChosen = new Float32Array(kl ? P * N : 0);
  const validKlRejected = new Float32Array(kl ? P * N : 0);
  const unused = new Float32Array(P * N); // the mismatched answers' last tokens are not read
  pairs.forEach((p, b) => {
    const Lp = p.prompt.length;
    const [chosenStart, ownRejectedStart, klcStart, klrStart] = starts[b]!;
    const rejectedStart = onChosen ? Lp : ownRejectedStart!; // the quirk: the chosen rows
    const scored: [number[], number, Float32Array, Float32Array][] = [[p.chosen, chosenStart!, validChosen, lastChosen], [p.rejected, rejectedStart, validRejected, lastRejected]];
    if (kl) scored.push([kl.forChosen[b]!, klcStart!, validKlChosen, unused], [kl.forRejected[b]!, klrStart!, validKlRejected, unused]);
    scored.forEach(
      ([answer, start, valid, last], branch) => {
        answer.forEach((tok, k) => {
          const e = (branch * P + b) * N + k;
          // same-position (the notebook's get_probs): row t scores its own token.
          // next-token: the row before it in its own branch, the last prompt row for k = 0.
          const row = scoring === 'same-position' ? start + k : k === 0 ? Lp - 1 : start + k - 1;
          selectRow[e] = b * T + row;
          target[e] = tok;
          valid[b * N + k] = 1;
        });
        last[b * N + answer.length - 1] = 1;
      },
    );
  });
  const desirable = (which: 'chosen' | 'rejected') => Float32Array.from(pairs, (p) => (answerLabels(p)[which] === 'desirable' ? 1 : 0));
  return {
    batch: { tokens, positions, attends }, P, N, T, selectRow, target, validChosen, validRejected, lastChosen, lastRejected,
    branches, validKlChosen, validKlRejected, desirableChosen: desirable('chosen'), desirableRejected: desirable('rejected'),
  };
}
