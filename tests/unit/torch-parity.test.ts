// SPEC 4: importing the notebook's initial weights reproduces its curves to
// float32 tolerance. The notebook's loop runs in PyTorch (scripts/
// torch_reference.py: separate chosen/rejected sequences, get_probs without
// shift, torch.optim) from weights this engine exported; both curves must agree.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../../src/model/config';
import { exportSafetensors } from '../../src/model/weights';
import { parseExperiment } from '../../src/train/experiment';
import { hMetric } from '../../src/train/metrics';
import { findPreset } from '../../src/train/presets';
import { runName } from '../../src/train/run';
import { createComparison, seededWeights, trainFor } from '../../src/train/session';

/** A python3 that can import torch (Debian's python3-torch lives in /usr/bin/python3). */
function torchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

const python = torchPython();
const STEPS = 20;
// Outside CI a machine without PyTorch skips this file, and says so; in CI (CI=true) it fails instead.
if (python === null && !process.env.CI) console.warn('torch-parity: SKIPPED, no python3 with torch here (apt-get install python3-torch)');

describe.skipIf(python === null && !process.env.CI)('parity with a PyTorch run of the notebook loop', () => {
  for (const id of ['beta-sweep', 'lr-sweep']) {
    it(`${id}: same curves from the same exported weights`, async () => {
      expect(python, 'CI installs python3-torch; PyTorch must be importable there').not.toBeNull();
      // The tiny variant: parity of two implementations does not need the notebook's size (notebook-replay.test.ts has that).
      const e = parseExperiment({ ...findPreset(id)!.tiny, steps: STEPS });
      const weights = seededWeights(e);
      const dir = mkdtempSync(path.join(tmpdir(), 'parity-'));
      writeFileSync(path.join(dir, 'policy.safetensors'), exportSafetensors(weights.policy, 'policy'));
      writeFileSync(path.join(dir, 'reference.safetensors'), exportSafetensors(weights.reference, 'reference'));
      writeFileSync(path.join(dir, 'runs.json'), JSON.stringify(e.runs));
      execFileSync(python!, [
        'scripts/torch_reference.py', '--policy', path.join(dir, 'policy.safetensors'), '--reference', path.join(dir, 'reference.safetensors'),
        '--runs', path.join(dir, 'runs.json'), '--steps', String(STEPS), '--heads', String(MODEL_PRESETS[e.model].numHeads), '--json', path.join(dir, 'torch.json'),
      ]);
      const torch = JSON.parse(readFileSync(path.join(dir, 'torch.json'), 'utf8')) as { results: Record<string, number[]>[] };
      const cmp = createComparison(e, weights);
      await trainFor(cmp, STEPS);
      torch.results.forEach((want, r) => {
        const got = cmp.logs[r]!.metrics;
        const pairs: [string, number[]][] = [['loss', got.loss!], ['pi_rej', got.pi_rej!], ['sigma_margin', got.sigma_margin!], ['h_last', got[hMetric(3)]!]];
        // IPO at lr 1e-2 swings through h = -18..20 (SPEC 1, outcome 3) and amplifies float32
        // differences about 1.5x per step there (measured: 3e-7 at step 0, 2e-3 at step 19); every
        // other run agrees to ~1e-6 throughout.
        const oscillating = e.runs[r]!.loss === 'ipo' && e.runs[r]!.lr >= 1e-2;
        for (const [name, series] of pairs) {
          series.forEach((v, s) => {
            const w = want[name]![s]!;
            const rel = oscillating && s >= 10 ? 1e-2 : 1e-4;
            expect(Math.abs(v - w), `${runName(e.runs[r]!)} ${name} step ${s}: ${v} vs ${w}`).toBeLessThanOrEqual(rel * Math.abs(w) + 1e-6);
          });
        }
      });
      cmp.dispose();
    });
  }
});
