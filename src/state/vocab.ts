/**
 * Text <-> token ids for the data editor, through a tiny vocabulary of the
 * model's 32 ids: a word vocabulary (readable preferences) and a character
 * one. Pure TS.
 */

export const WORDS = [
  '<pad>', 'I', 'you', 'we', 'it', 'is', 'are', 'like', 'love', 'hate', 'the', 'a', 'cat', 'dog', 'tea', 'coffee',
  'good', 'bad', 'great', 'awful', 'very', 'not', 'and', 'so', 'yes', 'no', 'please', 'thanks', 'what', '?', '.', '!',
] as const;

export const CHARS = 'abcdefghijklmnopqrstuvwxyz .,!?\'';

export type TextMode = 'ids' | 'words' | 'chars';

export function vocabularyOf(mode: Exclude<TextMode, 'ids'>): readonly string[] {
  return mode === 'words' ? WORDS : [...CHARS];
}

/** Token ids as the editor shows them. */
export function formatTokens(ids: number[], mode: TextMode): string {
  if (mode === 'ids') return ids.join(', ');
  const vocab = vocabularyOf(mode);
  return mode === 'words' ? ids.map((i) => vocab[i] ?? `#${i}`).join(' ') : ids.map((i) => vocab[i] ?? '�').join('');
}

/** Parses editor text into ids, or says what is wrong. */
export function parseTokens(text: string, mode: TextMode, vocabSize: number): { ids: number[] } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'empty' };
  if (mode === 'ids') {
    const parts = trimmed.split(/[\s,]+/);
    const ids: number[] = [];
    for (const p of parts) {
      if (!/^\d+$/.test(p)) return { error: `"${p}" is not a token id (whole numbers 0..${vocabSize - 1})` };
      const n = Number(p);
      if (n >= vocabSize) return { error: `token ${n} is outside the vocabulary 0..${vocabSize - 1}` };
      ids.push(n);
    }
    return { ids };
  }
  const vocab = vocabularyOf(mode);
  if (mode === 'words') {
    const ids: number[] = [];
    for (const w of trimmed.split(/\s+/)) {
      const i = vocab.indexOf(w);
      if (i < 0) return { error: `"${w}" is not in the word vocabulary` };
      ids.push(i);
    }
    return { ids };
  }
  const ids: number[] = [];
  for (const ch of text) {
    const i = vocab.indexOf(ch.toLowerCase());
    if (i < 0) return { error: `"${ch}" is not in the character vocabulary` };
    ids.push(i);
  }
  return { ids };
}
