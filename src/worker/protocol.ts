/**
 * The typed message protocol between the page and the training worker.
 * Types only: importing this module never loads tfjs.
 */
import type { Experiment } from '../train/experiment';
import type { RunStatus } from '../train/metrics';
import type { RunPatch } from '../train/run';

export type { RunPatch } from '../train/run';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = 'auto' | BackendName;

export const BACKEND_LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** What the worker found out about one backend on this machine. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** A software implementation (SwiftShader, llvmpipe): available, but slow for this model. */
  software: boolean;
  /** Adapter, renderer or feature details, for people. */
  detail: string;
}

/** The threads the WASM backend runs on, and why that many. */
export interface WasmThreadsInfo {
  /** XNNPACK's threads (1: tfjs's single-threaded SIMD build). */
  count: number;
  /** The most this page may use (1 when not cross-origin isolated). */
  max: number;
  /** Why only one, when threads are not available here (an embed in a page that is not isolated, ...). */
  why: string | null;
  /** Measured steps per second of the experiment by thread count, when the count was chosen by measuring. */
  measured?: Record<number, number>;
  /** The model size those figures are for. */
  model?: string;
  /** Web Workers the runs are split over (shardedComparison.ts), when more than one; each runs WASM on one thread. */
  shards?: number;
  /** The figures come from an earlier visit (the page keeps them), not from this worker. */
  earlier?: boolean;
}

/** What a thread measurement found, kept by the page between visits (per model size). */
export interface ThreadPick {
  pick: number;
  measured: Record<number, number>;
}

export interface BackendInfo {
  choice: BackendChoice;
  /** tf.getBackend() after activation: the backend that really runs. */
  active: BackendName;
  /** Why this backend, in one sentence ("WebGPU adapter is a software fallback: using WASM"). */
  reason: string;
  probes: BackendProbe[];
  /** Measured steps per second of candidates, when the choice was made by measuring. */
  measured?: Partial<Record<BackendName, number>>;
  /** When WASM runs: its threads. */
  threads?: WasmThreadsInfo;
}

export type WeightsRole = 'policy' | 'reference';
/** Weights to export: an initial set, a run's current policy (merged, for LoRA / DoRA), or a run's adapters alone (PEFT names). */
export type WeightsWhich = 'initial-policy' | 'reference' | { run: number; adapters?: boolean };

export type ToWorker =
  /**
   * Sent first by the page: an iframe (an embed) is cross-origin isolated only if its host page is; the
   * thread counts measured fastest on earlier visits, per model size (so a visit need not measure again).
   */
  | { type: 'context'; framed: boolean; nextVisitIsolated?: boolean; threadPicks?: Record<string, ThreadPick>; cores?: number }
  /**
   * threads: WASM on exactly this many (the benchmark); otherwise as many as measure fastest. shards: the
   * runs split over exactly this many workers (1: none; the benchmark); otherwise over one per core, as
   * far as the runs go, where there are several of each (a forced thread count means one shard).
   */
  | { type: 'setBackend'; choice: BackendChoice; threads?: number; shards?: number }
  /** (Re)builds the comparison at step 0; weights are safetensors files replacing the seeded init. */
  | { type: 'load'; experiment: Experiment; policy?: ArrayBuffer | null; reference?: ArrayBuffer | null }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'setSteps'; steps: number }
  | { type: 'updateRun'; run: number; patch: RunPatch }
  | { type: 'watch'; run: number }
  | { type: 'exportWeights'; which: WeightsWhich }
  /** Memory in use, for the benchmark and the curious. */
  | { type: 'stats' };

export type TrainingState = 'idle' | 'running' | 'paused' | 'done';

export interface Speed {
  stepsPerSecond: number;
  msPerStep: number;
  /** Time of the first step (shader compilation or WASM warm-up included). */
  firstStepMs: number | null;
}

/** log pi over the vocabulary at every scored entry ([branch][pair][k]) of one run. */
export interface Distribution {
  run: number;
  step: number;
  logp: number[][];
}

/** New values since the previous metrics message, per run. */
export interface MetricsDelta {
  runs: { metrics: Record<string, number[]>; status: RunStatus }[];
}

export type FromWorker =
  | { type: 'backend'; info: BackendInfo }
  /** initMs: how long the initial weights took to make (the exact replay's PyTorch generator included). */
  | { type: 'loaded'; generation: number; answerLength: number; customWeights: WeightsRole[]; initMs: number }
  /** Everything a read produced, in one message (one store update on the page). */
  | { type: 'tick'; generation: number; step: number; delta: MetricsDelta; speed: Speed | null; distribution: Distribution | null }
  | { type: 'distribution'; generation: number; distribution: Distribution }
  | { type: 'state'; generation: number; state: TrainingState; step: number }
  | { type: 'weights'; which: WeightsWhich; bytes: ArrayBuffer }
  | { type: 'stats'; memory: MemoryStats }
  | { type: 'error'; message: string; context: string };

export interface MemoryStats {
  /** Live tfjs tensors and their bytes (tf.memory()). */
  numTensors: number;
  numBytes: number;
  /** The WASM backend's heap, when it runs. */
  wasmHeapBytes: number | null;
  /** The worker's JS heap (Chromium only). */
  jsHeapBytes: number | null;
}
