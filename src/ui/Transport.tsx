/** Run / pause / step / reset, progress and speed; after the end, more steps. Space toggles run and pause. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { continueTraining, reset, step, toggleRunning } from '../state/actions';
import { describeCost, estimateCost } from '../train/cost';
import { LIMITS } from '../train/limits';
import { useLab } from './useLab';
import { useMessage } from './useMessage';

/** Steps added by the button shown when training is done. */
export const MORE_STEPS = 100;

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
  const { t } = useTranslation();
  const msg = useMessage();
  return (
    <section className="transport" aria-label={t('transport.controls')}>
      <div className="transport-buttons">
        <button type="button" className="primary" data-testid="run" onClick={toggleRunning} disabled={busy || done} aria-keyshortcuts="Space">
          {running ? t('transport.pause') : current > 0 && !done ? t('transport.resume') : t('transport.run')}
        </button>
        <button type="button" data-testid="step" onClick={step} disabled={busy || running || done}>{t('transport.step')}</button>
        <button type="button" data-testid="reset" onClick={reset} disabled={busy}>{t('transport.reset')}</button>
        {done && (
          <button type="button" className="primary" data-testid="more-steps" title={t('transport.moreTitle', { n: MORE_STEPS })} onClick={() => continueTraining(MORE_STEPS)} disabled={total >= LIMITS.steps.max}>
            {t('transport.more', { n: MORE_STEPS })}
          </button>
        )}
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={current} aria-label={t('transport.progress')}>
        <div className="progress-bar" style={{ transform: `scaleX(${Math.min(1, current / Math.max(1, total))})` }} />
      </div>
      <div className="transport-status" data-testid="status" data-state={state} data-step={current}>
        <span>{t(`transport.state.${state}`)}</span>
        <span>{t('transport.steps', { current, total })}</span>
        {speed !== null && <span data-testid="speed">{t('transport.speed', { v: speed.toFixed(speed < 10 ? 1 : 0) })}</span>}
        {state === 'idle' && current === 0 && <span data-testid="cost" title={t('transport.costTitle')}>{msg(describeCost(cost))}</span>}
        {firstStep !== null && <span title={t('transport.firstStepTitle')}>{t('transport.firstStep', { ms: Math.round(firstStep) })}</span>}
      </div>
    </section>
  );
}
