/** Title bar: which backend runs and why (switchable), and the theme. */
import { chooseBackend, setView } from '../state/actions';
import { BACKEND_NAMES, type BackendChoice } from '../worker/protocol';
import { MoonIcon, SunIcon } from './icons';
import { useEffectiveTheme } from './theme';
import { useLab } from './useLab';

const NAMES: Record<BackendChoice, string> = { auto: 'Auto', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** ", 2 threads" for WASM (what runs, in the backend line). */
const threadsNote = (n: number | undefined) => (n === undefined ? '' : `, ${n} thread${n === 1 ? '' : 's'}`);

export function Header({ children }: { children?: React.ReactNode }) {
  const backend = useLab((s) => s.training.backend);
  const choice = useLab((s) => s.training.backendChoice);
  const theme = useEffectiveTheme(useLab((s) => s.view.theme));
  return (
    <header className="app-header">
      <h1>
        DPO/IPO Lab <span className="subtitle">why DPO overfits a sure preference, and how IPO stops</span>
      </h1>
      <div className="header-tools">
        <div className="backend" data-testid="backend" data-backend={backend?.active ?? ''} data-threads={backend?.threads?.count ?? ''} title={backend?.reason ?? 'starting…'}>
          <label>
            <span className="visually-hidden">Backend</span>
            <select aria-label="Backend" value={choice} onChange={(e) => chooseBackend(e.target.value as BackendChoice)}>
              {(['auto', ...BACKEND_NAMES] as const).map((b) => {
                const probe = backend?.probes.find((p) => p.name === b);
                const off = b !== 'auto' && probe !== undefined && !probe.available;
                return (
                  <option key={b} value={b} disabled={off}>
                    {b === 'auto' && backend ? `Auto (${NAMES[backend.active]}${threadsNote(backend.threads?.count)})` : NAMES[b]}
                    {b !== 'auto' && b === backend?.active ? threadsNote(backend.threads?.count) : ''}
                    {probe?.software ? ' (software)' : ''}
                    {off ? ' (unavailable)' : ''}
                  </option>
                );
              })}
            </select>
          </label>
          <span className="backend-reason" data-testid="backend-reason">{backend ? backend.reason : 'starting the training worker…'}</span>
        </div>
        {children}
        <button type="button" className="icon" aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} mode`} onClick={() => setView({ theme: theme === 'dark' ? 'light' : 'dark' })}>
          {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
        </button>
      </div>
    </header>
  );
}
