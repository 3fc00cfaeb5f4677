/**
 * Share: the teaching link, and the iframe snippet for a blog. Both copy with
 * one click. The panel takes focus when it opens, and closes on Escape or a
 * click outside it, giving focus back to the Share button.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { embedHeight } from '../state/embedHeight';
import { embedSnippet, shareUrl } from '../state/share';
import { labStore } from '../state/store';
import { useLab } from './useLab';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no permission: the text is selected in its box for a manual copy
  }
}

function CopyBox({ label, text, multiline, testId }: { label: string; text: string; multiline?: boolean; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const { t } = useTranslation();
  const Box = multiline ? 'textarea' : 'input';
  return (
    <div className="copy-box">
      <label className="field">
        <span className="field-label">{label}</span>
        <Box readOnly value={text} data-testid={`${testId}-text`} onFocus={(e) => e.currentTarget.select()} rows={multiline ? 3 : undefined} />
      </label>
      <button
        type="button"
        data-testid={`${testId}-copy`}
        onClick={async (e) => {
          const box = e.currentTarget.parentElement?.querySelector(multiline ? 'textarea' : 'input');
          const ok = await copy(text);
          if (!ok) box?.select();
          setState(ok ? 'copied' : 'manual');
          setTimeout(() => setState('idle'), 2000);
        }}
      >
        {state === 'copied' ? t('share.copied') : state === 'manual' ? t('share.manual') : t('share.copy')}
      </button>
    </div>
  );
}

export function SharePanel() {
  const [open, setOpen] = useState(false);
  const [autoplay, setAutoplay] = useState(true);
  const [controls, setControls] = useState(false);
  const custom = useLab((s) => s.training.customWeights);
  const { t } = useTranslation();
  useLab((s) => s.experiment); // re-render with the experiment
  useLab((s) => s.view);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    const close = () => {
      setOpen(false);
      button.current?.focus();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      close();
    };
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (panel.current?.contains(t) || button.current?.contains(t)) return;
      setOpen(false);
      // Focus goes where the click put it; if it put it nowhere, back to the Share button.
      setTimeout(() => {
        if (document.activeElement === document.body || document.activeElement === null) button.current?.focus();
      }, 0);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  const s = labStore.getState();
  const base = window.location.href;
  return (
    <div className="share">
      <button ref={button} type="button" data-testid="share" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>{t('share.share')}</button>
      {open && (
        <div ref={panel} className="share-panel" role="dialog" aria-label={t('share.dialog')} tabIndex={-1} data-testid="share-panel">
          <CopyBox label={t('share.link')} text={shareUrl(s, base, { on: false })} testId="share-link" />
          <CopyBox
            label={t('share.embed')}
            multiline
            text={embedSnippet(s, base, { autoplay, controls, height: embedHeight(s.experiment, controls, s.view.lang) })}
            testId="embed-code"
          />
          <div className="share-options">
            <label><input type="checkbox" checked={autoplay} onChange={(e) => setAutoplay(e.target.checked)} /> {t('share.autoplay')}</label>
            <label><input type="checkbox" checked={controls} onChange={(e) => setControls(e.target.checked)} /> {t('share.controls')}</label>
          </div>
          {custom.length > 0 && <p className="hint">{t('share.weights', { which: custom.map((r) => t(`share.role.${r}`)).join(t('common.and')) })}</p>}
        </div>
      )}
    </div>
  );
}
