/** Run / pause / step / reset, progress and speed. Space toggles run and pause. */
import { useMemo } from 'react';
import { reset, step, toggleRunning } from '../state/actions';
import { describeCost, estimateCost } from '../train/cost';
import { useLab } from './useLab';

const STATE_TEXT = { starting: 'starting…', idle: 'ready', running: 'training', paused: 'paused', done: 'done' } as const;

export function Transport() {
  const state = useLab((s) => s.training.state);
  const current = useLab((s) => s.training.step);
  const total = useLab((s) => s.experiment.steps);
  const speed = useLab((s) => s.training.stepsPerSecond);
  const firstStep = useLab((s) => s.training.firstStepMs);
  const experiment = useLab((s) => s.experiment);
  const cost = useMemo(() => estimateCost(experiment), [experiment]);
  const running = state === 'running';
  const busy = state === 'starting';
  return (
    <section className="transport" aria-label="Training controls">
      <div className="transport-buttons">
        <button type="button" className="primary" data-testid="run" onClick={toggleRunning} disabled={busy || state === 'done'} aria-keyshortcuts="Space">
          {running ? '❚❚ Pause' : current > 0 && state !== 'done' ? '▶ Resume' : '▶ Run'}
        </button>
        <button type="button" data-testid="step" onClick={step} disabled={busy || running || state === 'done'}>Step</button>
        <button type="button" data-testid="reset" onClick={reset} disabled={busy}>Reset</button>
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={current} aria-label="Training progress">
        <div className="progress-bar" style={{ transform: `scaleX(${Math.min(1, current / Math.max(1, total))})` }} />
      </div>
      <div className="transport-status" data-testid="status" data-state={state} data-step={current}>
        <span>{STATE_TEXT[state]}</span>
        <span>step {current} / {total}</span>
        {speed !== null && <span data-testid="speed">{speed.toFixed(speed < 10 ? 1 : 0)} steps/s</span>}
        {state === 'idle' && current === 0 && <span data-testid="cost" title="estimated from the model and data sizes, for a 2-core machine">{describeCost(cost)}</span>}
        {firstStep !== null && <span title="time to the first step, shader compilation or WASM warm-up included">first step {Math.round(firstStep)} ms</span>}
      </div>
    </section>
  );
}
