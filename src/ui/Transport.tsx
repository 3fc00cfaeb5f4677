/** Run / pause / step / reset, progress and speed; after the end, more steps. Space toggles run and pause. */
import { useMemo } from 'react';
import { continueTraining, reset, step, toggleRunning } from '../state/actions';
import { describeCost, estimateCost } from '../train/cost';
import { LIMITS } from '../train/limits';
import { useLab } from './useLab';

/** Steps added by the button shown when training is done. */
export const MORE_STEPS = 100;

const TEXT = {
  state: { starting: 'starting…', idle: 'ready', running: 'training', paused: 'paused', done: 'done' },
  controls: 'Training controls',
  costTitle: 'estimated from the model and data sizes, for a 2-core machine',
  pause: '❚❚ Pause',
  resume: '▶ Resume',
  run: '▶ Run',
  step: 'Step',
  reset: 'Reset',
  more: `+${MORE_STEPS} steps`,
  moreTitle: `Train every run ${MORE_STEPS} steps more, from where it stopped`,
  progress: 'Training progress',
  steps: (current: number, total: number) => `step ${current} / ${total}`,
  speed: (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} steps/s`,
  firstStep: (ms: number) => `first step ${Math.round(ms)} ms`,
  firstStepTitle: 'time to the first step, shader compilation or WASM warm-up included',
} as const;

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
  const done = state === 'done';
  return (
    <section className="transport" aria-label={TEXT.controls}>
      <div className="transport-buttons">
        <button type="button" className="primary" data-testid="run" onClick={toggleRunning} disabled={busy || done} aria-keyshortcuts="Space">
          {running ? TEXT.pause : current > 0 && !done ? TEXT.resume : TEXT.run}
        </button>
        <button type="button" data-testid="step" onClick={step} disabled={busy || running || done}>{TEXT.step}</button>
        <button type="button" data-testid="reset" onClick={reset} disabled={busy}>{TEXT.reset}</button>
        {done && (
          <button type="button" className="primary" data-testid="more-steps" title={TEXT.moreTitle} onClick={() => continueTraining(MORE_STEPS)} disabled={total >= LIMITS.steps.max}>
            {TEXT.more}
          </button>
        )}
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={current} aria-label={TEXT.progress}>
        <div className="progress-bar" style={{ transform: `scaleX(${Math.min(1, current / Math.max(1, total))})` }} />
      </div>
      <div className="transport-status" data-testid="status" data-state={state} data-step={current}>
        <span>{TEXT.state[state]}</span>
        <span>{TEXT.steps(current, total)}</span>
        {speed !== null && <span data-testid="speed">{TEXT.speed(speed)}</span>}
        {state === 'idle' && current === 0 && <span data-testid="cost" title={TEXT.costTitle}>{describeCost(cost)}</span>}
        {firstStep !== null && <span title={TEXT.firstStepTitle}>{TEXT.firstStep(firstStep)}</span>}
      </div>
    </section>
  );
}
