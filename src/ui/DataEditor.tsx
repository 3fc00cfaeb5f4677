/**
 * Preference pairs, as token ids or as text through a tiny vocabulary, with
 * validation messages. Edits apply together (one restart), not per keystroke.
 */
import { Fragment, useEffect, useState } from 'react';
import { setData, setView } from '../state/actions';
import { formatTokens, parseTokens, WORDS, CHARS, type TextMode } from '../state/vocab';
import { answerLabels, NOTEBOOK_PAIR, withLabels, type AnswerLabel, type PreferencePair } from '../train/data';
import { LIMITS } from '../train/limits';
import { MODEL_PRESETS } from '../model/config';
import { CloseIcon } from './icons';
import { useLab } from './useLab';

type Part = 'prompt' | 'chosen' | 'rejected';
const PARTS: Part[] = ['prompt', 'chosen', 'rejected'];
/** Each pair's texts, and KTO's label of each answer (applied with the texts). */
type Texts = (Record<Part, string> & { labels: { chosen: AnswerLabel; rejected: AnswerLabel } })[];

const toTexts = (pairs: PreferencePair[], mode: TextMode): Texts => pairs.map((p) => ({
  prompt: formatTokens(p.prompt, mode), chosen: formatTokens(p.chosen, mode), rejected: formatTokens(p.rejected, mode), labels: answerLabels(p),
}));

export function DataEditor() {
  const data = useLab((s) => s.experiment.data);
  const mode = useLab((s) => s.view.textMode);
  const vocabSize = useLab((s) => MODEL_PRESETS[s.experiment.model].vocabSize);
  const [texts, setTexts] = useState<Texts>(() => toTexts(data, mode));
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => {
    setTexts(toTexts(data, mode));
    setProblems([]);
  }, [data, mode]);

  const parsed = texts.map((t) => Object.fromEntries(PARTS.map((p) => [p, parseTokens(t[p], mode, vocabSize)])) as Record<Part, ReturnType<typeof parseTokens>>);
  const fieldErrors = parsed.flatMap((p, i) => PARTS.flatMap((part) => ('error' in p[part] ? [`pair ${i + 1} ${part}: ${(p[part] as { error: string }).error}`] : [])));
  const dirty = JSON.stringify(texts) !== JSON.stringify(toTexts(data, mode));

  const apply = () => {
    if (fieldErrors.length > 0) return setProblems(fieldErrors);
    const pairs = parsed.map((p, i) => {
      const pair = Object.fromEntries(PARTS.map((part) => [part, (p[part] as { ids: number[] }).ids])) as unknown as PreferencePair;
      return withLabels(pair, texts[i]!.labels.chosen, texts[i]!.labels.rejected);
    });
    setProblems(setData(pairs));
  };
  const edit = (i: number, part: Part, value: string) => setTexts((t) => t.map((row, j) => (j === i ? { ...row, [part]: value } : row)));
  const label = (i: number, answer: 'chosen' | 'rejected', value: AnswerLabel) => setTexts((t) => t.map((row, j) => (j === i ? { ...row, labels: { ...row.labels, [answer]: value } } : row)));

  return (
    <section className="data-editor" aria-label="Preference data">
      <h2>Data</h2>
      <div className="data-mode" role="radiogroup" aria-label="Show tokens as">
        {(['ids', 'words', 'chars'] as TextMode[]).map((m) => (
          <label key={m}>
            <input type="radio" name="text-mode" checked={mode === m} onChange={() => setView({ textMode: m })} /> {m === 'ids' ? 'token ids' : m === 'words' ? 'words' : 'characters'}
          </label>
        ))}
      </div>
      {mode !== 'ids' && (
        <p className="hint">
          Vocabulary ({mode}): {mode === 'words' ? WORDS.slice(1).join(' ') : [...CHARS].map((c) => (c === ' ' ? '␣' : c)).join(' ')}
        </p>
      )}
      {texts.map((t, i) => (
        <fieldset key={i} className="pair" data-testid={`pair-${i}`}>
          <legend>
            pair {i + 1}
            {texts.length > 1 && (
              <button type="button" className="icon" aria-label={`Remove pair ${i + 1}`} onClick={() => setTexts((x) => x.filter((_, j) => j !== i))}><CloseIcon /></button>
            )}
          </legend>
          {PARTS.map((part) => {
            const err = parsed[i]![part];
            return (
              <Fragment key={part}>
                <label className={`field pair-${part}`}>
                  <span className="field-label">{part}</span>
                  <input value={t[part]} aria-label={`Pair ${i + 1} ${part}`} aria-invalid={'error' in err} onChange={(e) => edit(i, part, e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} />
                </label>
                {part !== 'prompt' && (
                  <select
                    className="answer-label" aria-label={`Pair ${i + 1} ${part} label`} value={t.labels[part]} onChange={(e) => label(i, part, e.target.value as AnswerLabel)}
                    title="KTO reads each answer on its own, as desirable or undesirable; the paired losses read chosen against rejected"
                  >
                    <option value="desirable">KTO: desirable</option>
                    <option value="undesirable">KTO: undesirable</option>
                  </select>
                )}
              </Fragment>
            );
          })}
        </fieldset>
      ))}
      <div className="data-actions">
        <button type="button" onClick={() => setTexts((x) => [...x, ...toTexts([NOTEBOOK_PAIR], mode)])} disabled={texts.length >= LIMITS.pairs.max}>+ Pair</button>
        <button type="button" className="primary" onClick={apply} disabled={!dirty} data-testid="apply-data">Apply data</button>
        {dirty && <button type="button" onClick={() => setTexts(toTexts(data, mode))}>Undo edits</button>}
      </div>
      {(problems.length > 0 || (dirty && fieldErrors.length > 0)) && (
        <ul className="problems" role="alert" data-testid="data-problems">
          {(problems.length > 0 ? problems : fieldErrors).map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
    </section>
  );
}
