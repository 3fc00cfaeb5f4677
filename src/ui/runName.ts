import type { Experiment } from '../train/experiment';
import { LOSS_CATALOG } from '../train/catalog';

/** A run's label, or a description of it when it has none. */
export function runName(r: Experiment['runs'][number]): string {
  return r.label || `${LOSS_CATALOG[r.loss].label} β=${r.beta} lr=${r.lr}${r.optimizer === 'adam' ? ' Adam' : ''}`;
}
