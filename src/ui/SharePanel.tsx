/** Share: the teaching link, and the iframe snippet for a blog. Both copy with one click. */
import { useState } from 'react';
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
        {state === 'copied' ? 'Copied ✓' : state === 'manual' ? 'Press Ctrl+C' : 'Copy'}
      </button>
    </div>
  );
}

export function SharePanel() {
  const [open, setOpen] = useState(false);
  const [autoplay, setAutoplay] = useState(true);
  const [controls, setControls] = useState(false);
  const custom = useLab((s) => s.training.customWeights);
  useLab((s) => s.experiment); // re-render with the experiment
  useLab((s) => s.view);
  const s = labStore.getState();
  const base = window.location.href;
  return (
    <div className="share">
      <button type="button" data-testid="share" aria-expanded={open} onClick={() => setOpen(!open)}>Share</button>
      {open && (
        <div className="share-panel" role="dialog" aria-label="Share this experiment">
          <CopyBox label="Teaching link: opens this exact experiment and view" text={shareUrl(s, base, { on: false })} testId="share-link" />
          <CopyBox
            label="Embed code for a blog post"
            multiline
            text={embedSnippet(s, base, { autoplay, controls, height: controls ? 900 : 640 })}
            testId="embed-code"
          />
          <div className="share-options">
            <label><input type="checkbox" checked={autoplay} onChange={(e) => setAutoplay(e.target.checked)} /> start training when shown</label>
            <label><input type="checkbox" checked={controls} onChange={(e) => setControls(e.target.checked)} /> let readers edit the runs</label>
          </div>
          {custom.length > 0 && <p className="hint">The link does not carry the imported {custom.join(' and ')} weights: readers get the seeded ones.</p>}
        </div>
      )}
    </div>
  );
}
