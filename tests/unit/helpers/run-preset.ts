import { parseExperiment } from '../../../src/train/experiment';
import type { RunLog } from '../../../src/train/metrics';
import { findPreset } from '../../../src/train/presets';
import { createComparison, trainFor } from '../../../src/train/session';

/** Trains a notebook preset (on the CPU backend set up for unit tests) and returns each run's log by label. */
export async function runPreset(id: string, steps?: number): Promise<Map<string, RunLog>> {
  const preset = findPreset(id)!;
  const e = parseExperiment({ ...preset.spec, ...(steps !== undefined && { steps }) });
  const cmp = createComparison(e);
  await trainFor(cmp, e.steps, { readEvery: 25 });
  const out = new Map(e.runs.map((r, i) => [r.label, cmp.logs[i]!]));
  cmp.dispose();
  return out;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
