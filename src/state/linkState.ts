/**
 * What a teaching link holds: the experiment, the view and the embed options,
 * with their defaults. Pure TS; the store's view slice uses the same shape.
 */
import { parseExperiment, type Experiment } from '../train/experiment';
import { PRESETS } from '../train/presets';
import type { Language } from '../i18n/languages';
import type { BackendChoice } from '../worker/protocol';
import { fillSlots } from './shades';
import type { TextMode } from './vocab';

export const CHART_IDS = ['pi-rej', 'sigma', 'loss', 'pi-chosen', 'rewards', 'h', 'squeeze', 'gpo'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export const REWARD_METRICS = ['rewards/margins', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'logps/chosen', 'logps/rejected', 'grad_norm', 'kl', 'nll_loss'] as const;
export type RewardMetric = (typeof REWARD_METRICS)[number];

export interface ViewState {
  theme: 'light' | 'dark' | 'system';
  hidden: boolean[];
  /** Each run's shade slot in its loss family's hue (charts/colors.ts), kept when runs come and go (shades.ts). */
  shades: number[];
  lossLog: boolean;
  rewardMetric: RewardMetric;
  /** The run inspected by the h chart and the squeeze view. */
  hRun: number;
  squeezeBranch: 'chosen' | 'rejected';
  squeezePair: number;
  textMode: TextMode;
  /** The UI's language when a link or the header's switch chose it; null: the browser's. */
  lang: Language | null;
}

export interface EmbedOptions {
  on: boolean;
  autoplay: boolean;
  controls: boolean;
  charts: ChartId[];
  /** If set, postMessage talks to this origin only. */
  parentOrigin: string | null;
}

export interface LinkState {
  experiment: Experiment;
  presetId: string | null;
  /** The preset the experiment was made from, kept through edits ("modified from §6.3.1"); null for one from elsewhere. */
  basePresetId: string | null;
  backend: BackendChoice;
  view: ViewState;
  embed: EmbedOptions;
}

export const DEFAULT_PRESET = PRESETS.find((p) => p.id === 'beta-sweep')!;

export function defaultView(runs: readonly { loss: string }[]): ViewState {
  return { theme: 'system', hidden: runs.map(() => false), shades: fillSlots(runs, []), lossLog: true, rewardMetric: 'rewards/margins', hRun: 0, squeezeBranch: 'rejected', squeezePair: 0, textMode: 'ids', lang: null };
}

export function defaultLinkState(): LinkState {
  const experiment = parseExperiment(structuredClone(DEFAULT_PRESET.spec));
  return {
    experiment,
    presetId: DEFAULT_PRESET.id,
    basePresetId: DEFAULT_PRESET.id,
    backend: 'auto',
    view: defaultView(experiment.runs),
    embed: { on: false, autoplay: false, controls: false, charts: ['pi-rej', 'sigma', 'loss'], parentOrigin: null },
  };
}
