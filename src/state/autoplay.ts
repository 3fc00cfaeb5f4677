/**
 * An autoplay (embed, link): starts training unless the experiment would cost
 * more than a reader expects from a page (train/cost.ts); then it says what it
 * would cost and waits for Run.
 */
import { describeCost, estimateCost, needsConsent } from '../train/cost';
import { run } from './actions';
import { notify } from './notices';
import { labStore } from './store';

/** Returns whether training started. */
export function autoplay(): boolean {
  const cost = estimateCost(labStore.getState().experiment);
  if (!needsConsent(cost)) {
    run();
    return true;
  }
  notify('info', `This experiment would take ${describeCost(cost)} on a machine like ours, so it does not start by itself: press Run to train it anyway.`, 'run');
  return false;
}
