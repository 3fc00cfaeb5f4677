// Every tfjs backend trains the model, and they agree to float32 tolerance (SPEC 2).
// WebGPU and WebGL run on Chromium's software adapter here: slow, but real. Measured: 5e-6 relative at most.
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseExperiment } from '../../src/train/experiment';
import { labFixture } from './helpers/fixture';
import { openLab, plotted, seriesOf, waitForState } from './helpers/lab';

const env = labFixture();

/** Four steps of a DPO and an IPO run on the tiny model, on one backend; every metric of every step. */
async function trainOn(backend: string): Promise<Record<string, number[]>[]> {
  const s = defaultLinkState();
  s.presetId = null;
  s.backend = backend as typeof s.backend;
  s.experiment = parseExperiment({ ...s.experiment, model: 'tiny', steps: 4, runs: [{ label: 'DPO', loss: 'dpo', beta: 0.5, lr: 0.5, optimizer: 'sgd' }, { label: 'IPO', loss: 'ipo', beta: 0.5, lr: 0.05, optimizer: 'adam' }] });
  s.view.hidden = [false, false];
  const lab = await openLab(env.browser, `${env.server.url}#${encodeLink(s)}`);
  const page = lab.page;
  expect(await page.getAttribute('[data-testid=backend]', 'data-backend')).toBe(backend);
  await page.click('[data-testid=run]');
  await waitForState(page, ['done'], 180_000);
  // The charts follow the store a few times a second: wait for the last step to be drawn.
  await page.waitForFunction(() => (window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted['loss']!.rows.length === 4, null, { timeout: 5000 });
  const charts = await Promise.all(['pi-rej', 'sigma', 'loss'].map((id) => plotted(page, id)));
  expect(lab.errors).toEqual([]);
  await page.close();
  return charts.map((p) => ({ DPO: seriesOf(p, 'DPO'), IPO: seriesOf(p, 'IPO') }));
}

describe('the same training on every backend', () => {
  it('WASM, CPU, WebGL and WebGPU all train, and agree to float32 tolerance', async () => {
    const results = new Map<string, Record<string, number[]>[]>();
    for (const b of ['wasm', 'cpu', 'webgl', 'webgpu']) results.set(b, await trainOn(b));
    const base = results.get('wasm')!;
    for (const [b, r] of results) {
      r.forEach((chart, c) => {
        for (const run of ['DPO', 'IPO']) {
          expect(chart[run]).toHaveLength(4);
          chart[run]!.forEach((v, step) => {
            const w = base[c]![run]![step]!;
            expect(Math.abs(v - w), `${b} chart ${c} ${run} step ${step}: ${v} vs ${w}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(w)));
          });
        }
      });
    }
  });
});
