/**
 * Preference pairs, as token ids or as text through a tiny vocabulary, with
 * validation messages. Edits apply together (one restart), not per keystroke.
 */
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { setData, setView } from '../state/actions';
import { formatTokens, parseTokens, WORDS, CHARS, type TextMode } from '../state/vocab';
import { answerLabels, NOTEBOOK_PAIR, withLabels, type AnswerLabel, type PreferencePair } from '../train/data';
import { LIMITS } from '../train/limits';
import { MODEL_PRESETS } from '../model/config';
import { CloseIcon } from './icons';
import { useLab } from './useLab';
import { useMessage } from './useMessage';

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
  const { t } = useTranslation();
  const msg = useMessage();
  const partName = (part: Part) => t(`data.part.${part}`);
  useEffect(() => {
    setTexts(toTexts(data, mode));
    setProblems([]);
  }, [data, mode]);

  const parsed = texts.map((t) => Object.fromEntries(PARTS.map((p) => [p, parseTokens(t[p], mode, vocabSize)])) as Record<Part, ReturnType<typeof parseTokens>>);
  const fieldErrors = parsed.flatMap((p, i) => PARTS.flatMap((part) => ('error' in p[part] ? [t('data.fieldError', { n: i + 1, part: partName(part), error: msg((p[part] as { error: string }).error) })] : [])));
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
    <section className="data-editor" aria-label={t('data.region')}>
      <h2>{t('data.heading')}</h2>
      <div className="data-mode" role="radiogroup" aria-label={t('data.showAs')}>
        {(['ids', 'words', 'chars'] as TextMode[]).map((m) => (
          <label key={m}>
            <input type="radio" name="text-mode" checked={mode === m} onChange={() => setView({ textMode: m })} /> {t(`data.mode.${m}`)}
          </label>
        ))}
      </div>
      {mode !== 'ids' && (
        <p className="hint">
          {mode === 'words' ? t('data.vocabWords') : t('data.vocabChars')}{' '}
          <span lang="en" data-verbatim="">{mode === 'words' ? WORDS.slice(1).join(' ') : [...CHARS].map((c) => (c === ' ' ? '␣' : c)).join(' ')}</span>
        </p>
      )}
      {texts.map((row, i) => (
        <fieldset key={i} className="pair" data-testid={`pair-${i}`}>
          <legend>
            {t('data.pair', { n: i + 1 })}
            {texts.length > 1 && (
              <button type="button" className="icon" aria-label={t('data.removePair', { n: i + 1 })} onClick={() => setTexts((x) => x.filter((_, j) => j !== i))}><CloseIcon /></button>
            )}
          </legend>
          {PARTS.map((part) => {
            const err = parsed[i]![part];
            return (
              <Fragment key={part}>
                <label className={`field pair-${part}`}>
                  <span className="field-label">{partName(part)}</span>
                  <input value={row[part]} aria-label={t('data.partAria', { n: i + 1, part: partName(part) })} aria-invalid={'error' in err} onChange={(e) => edit(i, part, e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} />
                </label>
                {part !== 'prompt' && (
                  <select
                    className="answer-label" aria-label={t('data.labelAria', { n: i + 1, part: partName(part) })} value={row.labels[part]} onChange={(e) => label(i, part, e.target.value as AnswerLabel)}
                    title={t('data.labelTitle')}
                  >
                    <option value="desirable">{t('data.desirable')}</option>
                    <option value="undesirable">{t('data.undesirable')}</option>
                  </select>
                )}
              </Fragment>
            );
          })}
        </fieldset>
      ))}
      <div className="data-actions">
        <button type="button" onClick={() => setTexts((x) => [...x, ...toTexts([NOTEBOOK_PAIR], mode)])} disabled={texts.length >= LIMITS.pairs.max}>{t('data.addPair')}</button>
        <button type="button" className="primary" onClick={apply} disabled={!dirty || fieldErrors.length > 0} data-testid="apply-data">{t('data.apply')}</button>
        {dirty && <button type="button" onClick={() => setTexts(toTexts(data, mode))}>{t('data.undo')}</button>}
      </div>
      {dirty && <p className="muted" data-testid="data-unapplied">{t('data.unapplied')}</p>}
      {(problems.length > 0 || (dirty && fieldErrors.length > 0)) && (
        <ul className="problems" role="alert" data-testid="data-problems">
          {(problems.length > 0 ? problems : fieldErrors).map((p) => <li key={p}>{msg(p)}</li>)}
        </ul>
      )}
    </section>
  );
}
