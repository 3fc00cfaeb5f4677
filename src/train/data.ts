/**
 * Preference data: pairs (prompt, chosen answer, rejected answer) of token ids,
 * and their validation. Pure TS.
 *
 * KTO (unpaired) reads each answer as an example of its own, labelled
 * desirable or undesirable. A pair carries those labels only where they
 * differ from what the pair already says (chosen desirable, rejected
 * undesirable), so every pair written before labels existed, in a link, a
 * config file or a message, keeps its meaning, and the paired losses never
 * read them.
 */
import { LIMITS } from './limits';

export const ANSWER_LABELS = ['desirable', 'undesirable'] as const;
export type AnswerLabel = (typeof ANSWER_LABELS)[number];

export interface PreferencePair {
  prompt: number[];
  chosen: number[];
  rejected: number[];
  /** KTO's label of the chosen answer; absent: desirable. */
  chosenLabel?: AnswerLabel;
  /** KTO's label of the rejected answer; absent: undesirable. */
  rejectedLabel?: AnswerLabel;
}

/** A pair's KTO labels, defaults filled in. */
export function answerLabels(p: PreferencePair): { chosen: AnswerLabel; rejected: AnswerLabel } {
  return { chosen: p.chosenLabel ?? 'desirable', rejected: p.rejectedLabel ?? 'undesirable' };
}

/** The pair with these labels, a label at its default left out (so the pair equals one that never had labels). */
export function withLabels(p: PreferencePair, chosen: AnswerLabel, rejected: AnswerLabel): PreferencePair {
  const { chosenLabel: _c, rejectedLabel: _r, ...rest } = p;
  return { ...rest, ...(chosen !== 'desirable' && { chosenLabel: chosen }), ...(rejected !== 'undesirable' && { rejectedLabel: rejected }) };
}

/**
 * Why a data set cannot train KTO, or null: it needs answers of both kinds (with one kind only, one of
 * its two terms is empty and rewards/margins has nothing to compare).
 */
export function ktoDataProblem(pairs: PreferencePair[]): string | null {
  const labels = pairs.flatMap((p) => Object.values(answerLabels(p)));
  const kind = labels.every((l) => l === 'desirable') ? 'desirable' : labels.every((l) => l === 'undesirable') ? 'undesirable' : null;
  return kind && `KTO needs at least one desirable and one undesirable answer, and every answer is marked ${kind}: mark one ${kind === 'desirable' ? 'undesirable' : 'desirable'}, or choose another loss`;
}

export type ScoringMode = 'next-token' | 'same-position';
export type Granularity = 'token' | 'sequence';

/**
 * The MA-RLHF notebook's single pair (SPEC 1):
 *   chosen   = [5, 8, 9, 10, 5, 3, 16, 29, 18, 17]
 *   rejected = [5, 8, 9, 10, 5, 3, 26, 14, 31, 0]
 * with a 6-token prompt and 4-token answers.
 */
export const NOTEBOOK_PAIR: PreferencePair = {
  prompt: [5, 8, 9, 10, 5, 3],
  chosen: [16, 29, 18, 17],
  rejected: [26, 14, 31, 0],
};


/**
 * Everything wrong with a data set, as messages a user can act on
 * (empty when it is usable).
 */
export function validateData(pairs: PreferencePair[], vocabSize: number, granularity: Granularity): string[] {
  const errors: string[] = [];
  if (!Array.isArray(pairs) || pairs.length === 0) return ['add at least one preference pair'];
  if (pairs.length > LIMITS.pairs.max) errors.push(`at most ${LIMITS.pairs.max} pairs (got ${pairs.length})`);
  pairs.forEach((p, i) => {
    const where = `pair ${i + 1}`;
    const parts: [string, number[], number, number][] = [
      ['prompt', p.prompt, 1, LIMITS.promptLength.max],
      ['chosen', p.chosen, 1, LIMITS.answerLength.max],
      ['rejected', p.rejected, 1, LIMITS.answerLength.max],
    ];
    for (const [name, toks, min, max] of parts) {
      if (!Array.isArray(toks)) {
        errors.push(`${where}: ${name} is missing`);
        continue;
      }
      if (toks.length < min) errors.push(`${where}: ${name} needs at least ${min} token`);
      if (toks.length > max) errors.push(`${where}: ${name} has ${toks.length} tokens, at most ${max}`);
      const bad = toks.filter((t) => !Number.isInteger(t) || t < 0 || t >= vocabSize);
      if (bad.length > 0) errors.push(`${where}: ${name} has token ${bad[0]} outside the vocabulary 0..${vocabSize - 1}`);
    }
    if (Array.isArray(p.chosen) && Array.isArray(p.rejected)) {
      if (granularity === 'token' && p.chosen.length !== p.rejected.length) {
        errors.push(`${where}: token-level losses compare answers token by token, so chosen (${p.chosen.length}) and rejected (${p.rejected.length}) need the same length; use sequence-level or edit the answers`);
      }
      if (p.chosen.length === p.rejected.length && p.chosen.every((t, k) => t === p.rejected[k])) {
        errors.push(`${where}: chosen and rejected are identical, so there is no preference to learn`);
      }
    }
  });
  return errors;
}
