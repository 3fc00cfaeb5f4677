/**
 * The height the Share panel's iframe snippet asks for: the embed's content
 * height at 700 px wide for this experiment, so a blog that pastes the
 * snippet (and listens to no message) shows the whole lab without a scrollbar.
 * A host that listens gets the exact height anyway (the embed posts `resize`).
 */
import { LOSS_CATALOG } from '../train/catalog';
import type { Experiment } from '../train/experiment';
import type { Run } from '../train/run';

/**
 * The embed's layout in CSS px at 700 px wide, measured in headless Chromium (document.body's height,
 * as the embed's resize message reports it) after training, when every run's verdict shows, in English
 * and Chinese, for each preset's run set and for eight runs. tests/e2e/embed-teacher.test.ts measures
 * the content again and fails when the snippet's height no longer holds it.
 */
export const EMBED_LAYOUT = {
  /** Header, transport, the guidance (two lines), the charts, the footer; each run adds its legend entry and its
   * verdict (one line of 18 px, or two: how long a verdict is depends on how the run went). Measured 477-495 with
   * one run, 553-583 with three or four, 621-637 with five, 681 with eight: 489 + 34 a run holds every one with
   * 22-80 px spare, and a verdict or two more wrapping. */
  charts: 489,
  perRun: 34,
  /** With controls=1, under the charts (0.6rem below them): the settings (310 en, 291 zh) beside the runs. */
  editorGap: 9,
  settings: 310,
  /** The runs column: its heading, the add button and padding (89), then each run's card, 0.5rem apart. */
  runsColumn: 89,
  cardGap: 7.5,
  /** A card with loss, β, lr, optimizer in one row and policy, trainable in the next: 146.6. */
  card: 147,
  /** Each further row of two fields (a loss's own setting, an adapter's rank and α): 51.1. */
  fieldRow: 51,
  /** An adapter's target checkboxes wrap to a taller row than a field's: 44.9 more. */
  adapterTargets: 45,
} as const;

const L = EMBED_LAYOUT;

/** A run's card in the run editor: the first row holds four fields, the rest two each. */
export function runCardHeight(run: Pick<Run, 'loss' | 'policy'>): number {
  const adapter = run.policy !== 'full';
  const fields = LOSS_CATALOG[run.loss].params.length + 2 + (adapter ? 3 : 0); // + policy, trainable (+ rank, α, targets)
  return L.card + (Math.ceil(fields / 2) - 1) * L.fieldRow + (adapter ? L.adapterTargets : 0);
}

/** The snippet's iframe height for this experiment, with the run editor or without. */
export function embedHeight(e: Pick<Experiment, 'runs'>, controls: boolean): number {
  const charts = L.charts + L.perRun * e.runs.length;
  if (!controls) return charts;
  const runs = L.runsColumn + e.runs.reduce((sum, r) => sum + runCardHeight(r), 0) + L.cardGap * (e.runs.length - 1);
  return Math.ceil(charts + L.editorGap + Math.max(L.settings, runs));
}
