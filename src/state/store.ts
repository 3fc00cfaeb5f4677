/**
 * The lab's one store (zustand), in three slices: the experiment being
 * edited, the training as the worker reports it, and the view. Components
 * read it through one selector per field; actions live in actions.ts.
 * No tfjs and no React here.
 */
import { createStore } from 'zustand/vanilla';
import type { Experiment } from '../train/experiment';
import { defaultLinkState, type EmbedOptions, type LinkState, type ViewState } from './linkState';
import type { RunStatus } from '../train/metrics';
import type { BackendChoice, BackendInfo, TrainingState, WeightsRole } from '../worker/protocol';

export interface RunSeries {
  metrics: Record<string, number[]>;
  status: RunStatus;
}

/**
 * How long a notice stays true, so that notices do not pile up: 'run' (it asks
 * for Run, or explains a change before it: gone when training starts or the
 * experiment changes), 'change' (true of this experiment: gone when it changes
 * or is reset), 'dismissed' (about the link or the page: gone when dismissed,
 * or when a preset or another link replaces the experiment).
 */
export type NoticeLife = 'run' | 'change' | 'dismissed';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
  life: NoticeLife;
}

/** A change made to a run while it trained, marked on the charts. */
export interface LiveChange {
  run: number;
  step: number;
  text: string;
}

export interface ExperimentSlice {
  experiment: Experiment;
  /** The preset last applied, while the experiment is exactly it (its notebook or tiny run set); null once it differs. */
  presetId: string | null;
  /** The preset the experiment was made from, kept through edits: its "what to look for", marked modified. */
  basePresetId: string | null;
}

export interface TrainingSlice {
  training: {
    state: TrainingState | 'starting';
    step: number;
    generation: number;
    stepsPerSecond: number | null;
    msPerStep: number | null;
    firstStepMs: number | null;
    backendChoice: BackendChoice;
    backend: BackendInfo | null;
    customWeights: WeightsRole[];
  };
  series: RunSeries[];
  answerLength: number;
  changes: LiveChange[];
  distribution: { run: number; step: number; logp: number[][] } | null;
  /** The distribution before any update (every run starts from the same policy). */
  initialDistribution: number[][] | null;
}

export interface ViewSlice {
  view: ViewState;
  embed: EmbedOptions;
  notices: Notice[];
}

export type LabState = ExperimentSlice & TrainingSlice & ViewSlice;

/** The store as a link (or the default link) describes it. */
export function initialState(link: LinkState = defaultLinkState()): LabState {
  return {
    experiment: link.experiment,
    presetId: link.presetId,
    basePresetId: link.basePresetId,
    training: {
      state: 'starting', step: 0, generation: 0, stepsPerSecond: null, msPerStep: null, firstStepMs: null,
      backendChoice: link.backend, backend: null, customWeights: [],
    },
    series: link.experiment.runs.map(() => ({ metrics: {}, status: { state: 'ok' } })),
    answerLength: 4,
    changes: [],
    distribution: null,
    initialDistribution: null,
    view: link.view,
    embed: link.embed,
    notices: [],
  };
}

export const labStore = createStore<LabState>()(() => initialState());
