/**
 * A number input that keeps what the user types, applies it on Enter or
 * blur, and shows why a value was refused (nothing is applied then).
 */
import { useEffect, useId, useState } from 'react';

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
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    setText(String(value));
    setError(null);
  }, [value]);
  const commit = () => {
    const t = text.trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) return setError(`“${text}” is not a number`);
    if (integer && !Number.isInteger(n)) return setError('a whole number, please');
    if (n === value) return setError(null);
    const problems = onCommit(n);
    setError(problems.length > 0 ? problems.join('; ') : null);
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
      {error && <span className="field-error" role="alert">{error}</span>}
    </label>
  );
}
