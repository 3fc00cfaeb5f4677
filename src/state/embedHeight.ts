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
 * The embed's layout in CSS px at 700 px wide, measured in headless Chromium (document.body's height, as
 * the embed's resize message reports it) after training, when every run's verdict shows, for §6.3.1's
 * five runs, one run, four LoRA/full runs and eight DPO runs, in each language (training is deterministic,
 * so these are the heights a reader sees). tests/e2e/embed-teacher.test.ts measures the content again and
 * fails when the snippet's height no longer holds it, or leaves over 64 px blank.
 */
export const EMBED_LAYOUT = {
  /**
   * Header, transport, the guidance, the charts, the footer; each run adds its legend entry and its verdict,
   * which in English often takes two lines and in Chinese one. Measured without the run editor: English 497
   * (1 run), 586 (4), 624 (5), 791 (8); Chinese 479, 569, 589, 649. The lines below hold each with 9-56 px spare.
   * A link without lang= is read in the reader's language: the English layout, the taller one.
   */
  charts: { en: 470, zh: 500 },
  perRun: { en: 42, zh: 21 },
  /** With controls=1, under the charts (0.6rem below them): the settings (310 en, 291 zh) beside the runs. */
  editorGap: 9,
  settings: 310,
  /** The runs column: its heading, the add button and padding (89), then each run's card, 0.5rem apart. */
  runsColumn: 89,
  cardGap: 7.5,
  /** A card with the loss on its own row, β, lr, optimizer in the next, and policy, trainable in the last: 196.9. */
  card: 197,
  /** Each further row of two fields (a loss's own setting, an adapter's rank and α): 43.1-51.1. */
  fieldRow: 51,
  /** An adapter's target checkboxes wrap to a taller row than a field's: 63 more. */
  adapterTargets: 63,
} as const;

const L = EMBED_LAYOUT;

/** A run's card in the run editor: the first row holds four fields, the rest two each. */
export function runCardHeight(run: Pick<Run, 'loss' | 'policy'>): number {
  const adapter = run.policy !== 'full';
  const fields = LOSS_CATALOG[run.loss].params.length + 2 + (adapter ? 3 : 0); // + policy, trainable (+ rank, α, targets)
  return L.card + (Math.ceil(fields / 2) - 1) * L.fieldRow + (adapter ? L.adapterTargets : 0);
}

/** The snippet's iframe height for this experiment, with the run editor or without, in the link's language (null: the reader's). */
export function embedHeight(e: Pick<Experiment, 'runs'>, controls: boolean, lang: 'en' | 'zh' | null = null): number {
  const l = lang ?? 'en';
  const charts = L.charts[l] + L.perRun[l] * e.runs.length;
  if (!controls) return charts;
  const runs = L.runsColumn + e.runs.reduce((sum, r) => sum + runCardHeight(r), 0) + L.cardGap * (e.runs.length - 1);
  return Math.ceil(charts + L.editorGap + Math.max(L.settings, runs));
}
