/**
 * What an experiment will cost before it runs: time and memory, estimated
 * from the catalogue's sizes alone (no tfjs), so a link can be weighed before
 * an autoplay starts. Calibrated on a 2-core VM with WASM (npm run bench and a
 * heap probe): the 6.3.1 notebook run set, 5 runs x 14 rows, measured 58 ms a
 * step and a 207 MB heap; 8 runs x 8 pairs of 64 tokens measured 3.3-4.8 s a
 * step and 1,597 MB. Estimates, not promises: within a factor of 2 there.
 * Pure TS.
 */
import { headDim, MODEL_PRESETS } from '../model/config';
import { paramCount } from '../model/params';
import type { Experiment } from './experiment';

/** Sustained matmul throughput of single-threaded WASM SIMD on the calibration machine. */
const FLOPS_PER_SECOND = 8e9;
/** Bytes a row of activations costs per layer and float, all copies for the backward pass included (fitted). */
const ACTIVATION_COPIES = 8;
const BASE_BYTES = 64 * 2 ** 20;

export interface CostEstimate {
  /** Model rows (tokens) every step computes, over all runs. */
  rows: number;
  flopsPerStep: number;
  seconds: number;
  bytes: number;
}

export function estimateCost(e: Pick<Experiment, 'model' | 'data' | 'runs' | 'steps'>): CostEstimate {
  const c = MODEL_PRESETS[e.model];
  const params = paramCount(c);
  // A pair is packed as one sequence [prompt | chosen | rejected] (packing.ts), padded to the longest.
  const T = Math.max(...e.data.map((p) => p.prompt.length + p.chosen.length + p.rejected.length));
  const rowsPerRun = e.data.length * T;
  const rows = rowsPerRun * e.runs.length;
  // Forward + backward: about 6 FLOP per weight per row, plus attention's 4·T·D per row per layer, three times.
  const flopsPerStep = rows * (6 * params + 12 * c.numLayers * T * c.hiddenSize);
  const adam = e.runs.filter((r) => r.optimizer === 'adam').length;
  // Weights, gradients and a transposed twin per run; Adam adds two moments.
  const weightBytes = 4 * params * (3 * e.runs.length + 2 * adam);
  const perRowFloats = c.numLayers * (12 * c.hiddenSize + 4 * c.intermediateSize + (c.hiddenSize / headDim(c)) * T);
  const activationBytes = 4 * ACTIVATION_COPIES * rows * perRowFloats;
  return { rows, flopsPerStep, seconds: (e.steps * flopsPerStep) / FLOPS_PER_SECOND, bytes: BASE_BYTES + weightBytes + activationBytes };
}

/** Above either, an autoplay asks first (and says why). */
export const CONSENT_SECONDS = 5 * 60;
export const CONSENT_BYTES = 1024 * 2 ** 20;

export function needsConsent(c: CostEstimate): boolean {
  return c.seconds > CONSENT_SECONDS || c.bytes > CONSENT_BYTES;
}

/** "about 9 h and 1.6 GB" */
export function describeCost(c: CostEstimate): string {
  const s = c.seconds;
  const time = s < 90 ? `${Math.max(1, Math.round(s))} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(s < 36000 ? 1 : 0)} h`;
  const mb = c.bytes / 2 ** 20;
  const memory = mb < 1024 ? `${Math.round(mb / 10) * 10} MB` : `${(mb / 1024).toFixed(1)} GB`;
  return `about ${time} and ${memory}`;
}
