/**
 * 'auto' decides by measuring. A software GPU (SwiftShader, llvmpipe) is
 * skipped outright: it is one to two orders of magnitude slower than WASM
 * for this model (npm run bench). A hardware GPU is not assumed faster either:
 * for a model this small, dispatch overhead can make WASM win, so each
 * hardware candidate trains the actual experiment for a few steps against
 * WASM, and the fastest is kept (once per model size per worker).
 */
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../train/experiment';
import { createComparison, seededWeights, type InitialWeights } from '../train/session';
import { BACKEND_LABELS, type BackendName, type BackendProbe } from './protocol';

/** Hardware GPU backends worth measuring against WASM. */
export function gpuCandidates(probes: BackendProbe[]): BackendName[] {
  return probes.filter((p) => (p.name === 'webgpu' || p.name === 'webgl') && p.available && !p.software).map((p) => p.name);
}

/** The fastest measured backend, and why, in words. */
export function decide(measured: Partial<Record<BackendName, number>>): { pick: BackendName; reason: string } {
  const entries = (Object.entries(measured) as [BackendName, number][]).filter(([, v]) => Number.isFinite(v) && v > 0);
  if (entries.length === 0) return { pick: 'wasm', reason: 'no backend could be measured: using WASM' };
  entries.sort((a, b) => b[1] - a[1]);
  const [pick] = entries[0]!;
  const list = entries.map(([n, v]) => `${BACKEND_LABELS[n]} ${v < 10 ? v.toFixed(1) : Math.round(v)} steps/s`).join(', ');
  return { pick, reason: `measured ${list}: using ${BACKEND_LABELS[pick]}` };
}

const WARMUP = 2;
const TIMED = 4;
const MAX_MS = 6000;

export interface MeasureOptions {
  /** Untimed steps first (shader compilation, WASM warm-up). */
  warmup?: number;
  /** Timed steps, at most. */
  timed?: number;
  /** No new timed step starts after this long (ms): a slow candidate costs little. */
  maxMs?: number;
  /** The experiment's initial weights, when the caller has them already (they are plain arrays: any backend). */
  weights?: InitialWeights;
}

/**
 * Steps per second of `experiment` on the active backend (a short run from its
 * initial weights): `timed` steps after `warmup`, or as many as fit in `maxMs`.
 * `now` is the clock (tests pass their own).
 */
export async function measureSpeed(experiment: Experiment, now: () => number = () => performance.now(), opts: MeasureOptions = {}): Promise<number> {
  const { warmup = WARMUP, timed = TIMED, maxMs = MAX_MS } = opts;
  const cmp = createComparison({ ...experiment, steps: warmup + timed }, opts.weights ?? seededWeights(experiment));
  try {
    for (let i = 0; i < warmup; i++) cmp.trainStep();
    await cmp.flush(); // the first steps compile shaders / warm up WASM
    const t0 = now();
    let steps = 0;
    while (steps < timed && now() - t0 < maxMs) {
      cmp.trainStep();
      await cmp.flush(); // waits for the GPU
      steps++;
    }
    return (1000 * steps) / (now() - t0);
  } finally {
    cmp.dispose();
  }
}

/** Measures each candidate and WASM on this experiment; leaves the fastest active. */
export async function pickByMeasuring(
  candidates: BackendName[], experiment: Experiment, start: (name: BackendName) => Promise<string | null>,
): Promise<{ pick: BackendName; reason: string; measured: Partial<Record<BackendName, number>> }> {
  const measured: Partial<Record<BackendName, number>> = {};
  for (const name of [...candidates, 'wasm'] as BackendName[]) {
    if ((await start(name)) !== null) continue;
    try {
      measured[name] = await measureSpeed(experiment);
    } catch {
      /* a backend that fails on this model is not a candidate */
    }
  }
  const { pick, reason } = decide(measured);
  if (tf.getBackend() !== pick) await start(pick);
  return { pick, reason, measured };
}
