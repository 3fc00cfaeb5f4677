/** Title bar: which backend runs and why (switchable), and the theme. */
import { useTranslation } from 'react-i18next';
import { chooseBackend, setView } from '../state/actions';
import { BACKEND_NAMES, type BackendChoice } from '../worker/protocol';
import { MoonIcon, SunIcon } from './icons';
import { useEffectiveTheme } from './theme';
import { useLab } from './useLab';
import { useMessage } from './useMessage';

const NAMES: Record<BackendChoice, string> = { auto: 'Auto', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function Header({ children }: { children?: React.ReactNode }) {
  const backend = useLab((s) => s.training.backend);
  const choice = useLab((s) => s.training.backendChoice);
  const theme = useEffectiveTheme(useLab((s) => s.view.theme));
  const { t } = useTranslation();
  const msg = useMessage();
  /** ", 2 threads" for WASM (what runs, in the backend line). */
  const threadsNote = (n: number | undefined) => (n === undefined ? '' : t(n === 1 ? 'header.oneThread' : 'header.threads', { n }))
    + (backend?.threads?.shards ? t('header.workers', { n: backend.threads.shards }) : '');
  return (
    <header className="app-header">
      <h1>
        {t('app.name')} <span className="subtitle">{t('app.subtitle')}</span>
      </h1>
      <div className="header-tools">
        <div className="backend" data-testid="backend" data-backend={backend?.active ?? ''} data-threads={backend?.threads?.count ?? ''} title={backend ? msg(backend.reason) : t('header.starting')}>
          <label>
            <span className="visually-hidden">{t('header.backend')}</span>
            <select aria-label={t('header.backend')} value={choice} onChange={(e) => chooseBackend(e.target.value as BackendChoice)}>
              {(['auto', ...BACKEND_NAMES] as const).map((b) => {
                const probe = backend?.probes.find((p) => p.name === b);
                const off = b !== 'auto' && probe !== undefined && !probe.available;
                return (
                  <option key={b} value={b} disabled={off}>
                    {b === 'auto' && backend ? t('header.autoActive', { name: NAMES[backend.active] + threadsNote(backend.threads?.count) }) : b === 'auto' ? t('header.auto') : NAMES[b]}
                    {b !== 'auto' && b === backend?.active ? threadsNote(backend.threads?.count) : ''}
                    {probe?.software ? t('header.software') : ''}
                    {off ? t('header.unavailable') : ''}
                  </option>
                );
              })}
            </select>
          </label>
          <span className="backend-reason" data-testid="backend-reason">{backend ? msg(backend.reason) : t('header.startingWorker')}</span>
        </div>
        {children}
        <button type="button" className="icon" aria-label={t(theme === 'dark' ? 'header.toLight' : 'header.toDark')} onClick={() => setView({ theme: theme === 'dark' ? 'light' : 'dark' })}>
          {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
        </button>
      </div>
    </header>
  );
}
