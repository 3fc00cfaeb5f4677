/** Messages for the user: refused input, diverged runs, restarts (made in English by the store; shown in the UI's language). */
import { useTranslation } from 'react-i18next';
import { dismissNotice } from '../state/notices';
import { CloseIcon } from './icons';
import { useLab } from './useLab';
import { useMessage } from './useMessage';

export function Notices() {
  const notices = useLab((s) => s.notices);
  const { t } = useTranslation();
  const msg = useMessage();
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} data-testid="notice">
          <span>{msg(n.text)}</span>
          <button type="button" className="icon" aria-label={t('notices.dismiss')} onClick={() => dismissNotice(n.id)}><CloseIcon /></button>
        </div>
      ))}
    </div>
  );
}
