/** Messages for the user: refused input, diverged runs, restarts. */
import { dismissNotice } from '../state/actions';
import { CloseIcon } from './icons';
import { useLab } from './useLab';

export function Notices() {
  const notices = useLab((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} data-testid="notice">
          <span>{n.text}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}><CloseIcon /></button>
        </div>
      ))}
    </div>
  );
}
