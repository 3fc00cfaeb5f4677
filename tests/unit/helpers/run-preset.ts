import { parseExperiment } from '../../../src/train/experiment';
import type { RunLog } from '../../../src/train/metrics';
import { findPreset } from '../../../src/train/presets';
import { runName } from '../../../src/train/run';
import { createComparison, trainFor } from '../../../src/train/session';

/** Trains a preset (on the CPU backend set up for unit tests) and returns each run's log by name. */
export async function runPreset(id: string, variant: 'spec' | 'tiny', steps?: number): Promise<Map<string, RunLog>> {
  const preset = findPreset(id)!;
  const e = parseExperiment({ ...preset[variant], ...(steps !== undefined && { steps }) });
  const cmp = createComparison(e);
  await trainFor(cmp, e.steps, { readEvery: 25 });
  const out = new Map(e.runs.map((r, i) => [runName(r), cmp.logs[i]!]));
  cmp.dispose();
  return out;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
