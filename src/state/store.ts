/**
 * The lab's one store (zustand), in three slices: the experiment being
 * edited, the training as the worker reports it, and the view. Components
 * read it through one selector per field; actions live in actions.ts.
 * No tfjs and no React here.
 */
import { createStore } from 'zustand/vanilla';
import type { Experiment } from '../train/experiment';
import type { RunStatus } from '../train/metrics';
import { PRESETS } from '../train/presets';
import { parseExperiment } from '../train/experiment';
import type { BackendChoice, BackendInfo, TrainingState, WeightsRole } from '../worker/protocol';
import type { TextMode } from './vocab';

export interface RunSeries {
  metrics: Record<string, number[]>;
  status: RunStatus;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** A change made to a run while it trained, marked on the charts. */
export interface LiveChange {
  run: number;
  step: number;
  text: string;
}

export interface ExperimentSlice {
  experiment: Experiment;
  /** The preset last applied, for its "what to look for"; null once the experiment differs. */
  presetId: string | null;
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
  view: {
    theme: 'light' | 'dark';
    hidden: boolean[];
    lossLog: boolean;
    rewardMetric: 'rewards/margins' | 'rewards/chosen' | 'rewards/rejected' | 'rewards/accuracies';
    hRun: number;
    squeezeBranch: 'chosen' | 'rejected';
    squeezePair: number;
    textMode: TextMode;
  };
  notices: Notice[];
}

export type LabState = ExperimentSlice & TrainingSlice & ViewSlice;

export const DEFAULT_PRESET = PRESETS.find((p) => p.id === 'beta-sweep')!;

export function initialState(experiment: Experiment = parseExperiment(DEFAULT_PRESET.spec), presetId: string | null = DEFAULT_PRESET.id): LabState {
  return {
    experiment,
    presetId,
    training: {
      state: 'starting', step: 0, generation: 0, stepsPerSecond: null, msPerStep: null, firstStepMs: null,
      backendChoice: 'auto', backend: null, customWeights: [],
    },
    series: experiment.runs.map(() => ({ metrics: {}, status: { state: 'ok' } })),
    answerLength: 4,
    changes: [],
    distribution: null,
    initialDistribution: null,
    view: {
      theme: 'light', hidden: experiment.runs.map(() => false), lossLog: true, rewardMetric: 'rewards/margins',
      hRun: 0, squeezeBranch: 'rejected', squeezePair: 0, textMode: 'ids',
    },
    notices: [],
  };
}

export const labStore = createStore<LabState>()(() => initialState());
