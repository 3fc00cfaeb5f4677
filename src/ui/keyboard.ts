/** Space runs and pauses, unless the user is typing or on a control that uses space itself. */
import { toggleRunning } from '../state/actions';

export function installKeyboard(target: Document = document): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.code !== 'Space' || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as HTMLElement | null;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|SUMMARY|A)$/.test(el.tagName))) return;
    e.preventDefault();
    toggleRunning();
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
