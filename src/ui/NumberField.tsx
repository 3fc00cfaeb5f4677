/**
 * A number input that keeps what the user types, applies it on Enter or
 * blur, and shows why a value was refused (nothing is applied then) and the
 * value still in use: Run trains on that one, not on the text in the box.
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMessage } from './useMessage';

/** Why the text was refused: kept as what it is, so it shows in the language of the moment. */
type Refusal = { kind: 'nan'; text: string } | { kind: 'whole' } | { kind: 'problems'; problems: string[] };

interface Props {
  label: string;
  value: number;
  /** Applies a parsed value; returns problems, or [] when accepted. */
  onCommit: (value: number) => string[];
  integer?: boolean;
  className?: string;
  hideLabel?: boolean;
  title?: string;
}

export function NumberField({ label, value, onCommit, integer = false, className, hideLabel, title }: Props) {
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<Refusal | null>(null);
  const id = useId();
  const { t } = useTranslation();
  const msg = useMessage();
  useEffect(() => {
    setText(String(value));
    setError(null);
  }, [value]);
  const commit = () => {
    const typed = text.trim();
    const n = Number(typed);
    if (typed === '' || !Number.isFinite(n)) return setError({ kind: 'nan', text });
    if (integer && !Number.isInteger(n)) return setError({ kind: 'whole' });
    if (n === value) return setError(null);
    const problems = onCommit(n);
    setError(problems.length > 0 ? { kind: 'problems', problems } : null);
  };
  return (
    <label className={`field ${className ?? ''}`} htmlFor={id} title={title}>
      <span className={hideLabel ? 'visually-hidden' : 'field-label'}>{label}</span>
      <input
        id={id}
        type="text"
        inputMode={integer ? 'numeric' : 'decimal'}
        value={text}
        aria-invalid={error !== null}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(String(value));
            setError(null);
          }
        }}
      />
      {error && (
        <span className="field-error" role="alert">
          {error.kind === 'nan' ? t('field.notNumber', { text: error.text }) : error.kind === 'whole' ? t('field.whole') : error.problems.map(msg).join(t('common.noteSep'))}
          {t('common.noteSep')}{t('field.kept', { value: String(value) })}
        </span>
      )}
    </label>
  );
}
