// The runs split over Web Workers in the real app (worker/shardedComparison.ts): where the page reports
// cores to spare (4 here, through the page's navigator: the worker takes the count the page gives it),
// three runs train in three workers, one of them the training worker. The user's way through it: run,
// pause, step, change a run's β while paused, go on, export that run's weights; every curve equals the
// one a single worker draws for the same clicks (float32 tolerance).
import { statSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { watchErrors } from './helpers/browser';
import { labFixture } from './helpers/fixture';
import { plotted, seriesOf, waitForState, currentStep } from './helpers/lab';

const env = labFixture();
const STEPS = 10;

function link(model: 'notebook' | 'tiny' = 'notebook'): string {
  const s = defaultLinkState();
  s.presetId = null;
  s.backend = 'wasm';
  s.experiment = {
    ...s.experiment, model, steps: STEPS,
    runs: [
      { ...s.experiment.runs[0]!, label: 'DPO', loss: 'dpo', beta: 0.5, lr: 0.5, optimizer: 'sgd' },
      { ...s.experiment.runs[0]!, label: 'IPO', loss: 'ipo', beta: 0.5, lr: 0.05, optimizer: 'adam' },
      { ...s.experiment.runs[0]!, label: 'DPO 2', loss: 'dpo', beta: 0.1, lr: 0.3, optimizer: 'sgd' },
    ],
  };
  s.view.hidden = [false, false, false];
  return `${env.server.url}#${encodeLink(s)}`;
}

async function open(cores: number | null, model: 'notebook' | 'tiny' = 'notebook'): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await env.browser.newContext({ viewport: { width: 1400, height: 1000 }, serviceWorkers: 'block' });
  if (cores !== null) await ctx.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), cores);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(link(model));
  await waitForState(page, ['idle']);
  return { ctx, page, errors };
}

/** The same clicks on any page: 4 steps, run a little and pause, one step, β of run 3 to 0.3, then to the end. */
async function drive(page: Page): Promise<Record<string, number[]>> {
  for (let i = 0; i < 4; i++) {
    await page.click('[data-testid=step]');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) >= n, i + 1);
  }
  const beta = page.locator('[data-testid=run-2] input[inputmode=decimal]').first();
  await beta.fill('0.3');
  await beta.press('Enter');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) >= 5);
  await page.click('[data-testid=run]');
  await waitForState(page, ['done']);
  expect(await currentStep(page)).toBe(STEPS);
  // Each chart catches up with the store in its own slot: wait until every one shows the last step.
  await page.waitForFunction((n) => ['pi-rej', 'loss', 'sigma'].every((id) => ((window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted[id]?.rows.length ?? 0) >= n), STEPS);
  const out: Record<string, number[]> = {};
  for (const chart of ['pi-rej', 'loss', 'sigma']) {
    const p = await plotted(page, chart);
    for (const name of ['DPO', 'IPO', 'DPO 2']) out[`${chart} ${name}`] = seriesOf(p, name);
  }
  return out;
}

describe('runs split over workers in the app', () => {
  it('says so, trains, pauses, steps and takes a change as one worker does, and exports a run a worker holds', async () => {
    const split = await open(4);
    expect(await split.page.textContent('[data-testid=backend-reason]')).toMatch(/\(the runs split over 3 workers\)$/);
    expect(await split.page.getAttribute('[data-testid=backend]', 'data-threads')).toBe('1');
    expect(await split.page.locator('select[aria-label=Backend] option:checked').textContent()).toMatch(/WASM, 1 thread × 3 workers/);
    const one = await open(2); // 2 cores: one left to the page, so no split
    expect(await one.page.textContent('[data-testid=backend-reason]')).not.toMatch(/workers/);

    const [a, b] = [await drive(split.page), await drive(one.page)];
    for (const [name, values] of Object.entries(b)) {
      expect(a[name]!.length, name).toBe(values.length);
      expectAllClose(a[name]!, values, { rel: 1e-4, abs: 1e-6 }, name);
    }

    // Its weights come from the worker that holds it.
    await split.page.click('summary:has-text("Export and weights")');
    await split.page.selectOption('select[aria-label="Weights to export"]', '2');
    const [download] = await Promise.all([split.page.waitForEvent('download'), split.page.click('[data-testid=export-weights]')]);
    expect(download.suggestedFilename()).toBe('policy-run3.safetensors');
    expect(statSync((await download.path())!).size).toBeGreaterThan(1000);

    // The tiny model trains in one worker: its steps are per-op overhead, which every worker would pay whole.
    const tiny = await open(4, 'tiny');
    expect(await tiny.page.textContent('[data-testid=backend-reason]')).not.toMatch(/workers/);
    await tiny.ctx.close();

    expect(split.errors).toEqual([]);
    expect(one.errors).toEqual([]);
    await split.ctx.close();
    await one.ctx.close();
  });
});
