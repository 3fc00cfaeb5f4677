// Teaching links, exports, weights, the built site from a sub-path, and offline use.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { labFixture } from './helpers/fixture';
import { openLab, pixelStats, plotted, seriesOf, waitForState } from './helpers/lab';
import { expectAllClose } from '../helpers/close';

const env = labFixture();

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const bytes = readFileSync((await d.path())!);
  return { name: d.suggestedFilename(), text: bytes.toString('utf8'), bytes };
}

/** Opens a collapsible panel of the controls (whatever state it is in). */
async function openPanel(page: Page, title: string) {
  const summary = page.locator(`summary:has-text("${title}")`);
  if ((await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open)) === false) await summary.click();
}

async function exportJson(page: Page) {
  await openPanel(page, 'Export and weights');
  const json = await download(page, () => page.click('[data-testid=export-json]'));
  return JSON.parse(json.text) as { experiment: unknown; backend: string; runs: { label: string; metrics: Record<string, number[]> }[] };
}

/** A quick, distinctive experiment: tiny model, two edited runs, 60 steps. */
async function setUpExperiment(page: Page) {
  await page.selectOption('select[aria-label="Model size"]', 'tiny');
  await waitForState(page, ['idle']);
  const steps = page.getByLabel('steps', { exact: true });
  await steps.fill('60');
  await steps.press('Enter');
  const beta = page.locator('[data-testid=run-1] input[inputmode=decimal]').first();
  await beta.fill('0.3');
  await beta.press('Enter');
  await page.selectOption('[data-testid=run-3] select[aria-label="Run 4 loss"]', 'robust');
  await waitForState(page, ['idle']);
  await page.click('[data-testid=legend-2]'); // hide a run: part of the view the link keeps
}

describe('teaching links and exports', () => {
  let linkFromA: string;
  let jsonFromA: Awaited<ReturnType<typeof exportJson>>;
  let pageA: Page;

  it('a link copied after a run reproduces the same metrics in a fresh page', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
    const labA = await openLab(ctx as unknown as Browser, env.server.url);
    pageA = labA.page;
    await setUpExperiment(pageA);
    await pageA.click('[data-testid=run]');
    await waitForState(pageA, ['done']);
    jsonFromA = await exportJson(pageA);
    await pageA.click('[data-testid=share]');
    await pageA.click('[data-testid=share-link-copy]');
    linkFromA = await pageA.evaluate(() => navigator.clipboard.readText());
    expect(linkFromA).toBe(await pageA.inputValue('[data-testid=share-link-text]'));
    expect(linkFromA).toMatch(new RegExp(`^${env.server.url}#v=1&s=`));
    expect(labA.errors).toEqual([]);

    const ctxB = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const labB = await openLab(ctxB as unknown as Browser, linkFromA);
    const { page } = labB;
    expect(await page.getAttribute('[data-testid=legend-2]', 'aria-pressed')).toBe('false');
    expect(await page.inputValue('[data-testid=run-1] input[inputmode=decimal] >> nth=0')).toBe('0.3');
    await page.click('[data-testid=run]');
    await waitForState(page, ['done']);
    const jsonB = await exportJson(page);
    expect(jsonB.backend).toBe(jsonFromA.backend);
    expect(jsonB.experiment).toEqual(jsonFromA.experiment);
    expect(jsonB.runs.map((r) => r.metrics)).toEqual(jsonFromA.runs.map((r) => r.metrics));
    expect(labB.errors).toEqual([]);
    await ctxB.close();
  });

  it('exported CSV and JSON parse back to the plotted numbers', async () => {
    const page = pageA;
    await openPanel(page, 'Export and weights');
    const csv = await download(page, () => page.click('[data-testid=export-csv]'));
    const [header, ...rows] = csv.text.trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header!.indexOf(name);
    expect(header!.slice(0, 7)).toEqual(['run', 'label', 'loss_type', 'beta', 'lr', 'optimizer', 'step']);
    expect(rows).toHaveLength(5 * 60);
    const piRej = await plotted(page, 'pi-rej');
    const sigma = await plotted(page, 'sigma');
    jsonFromA.runs.forEach((run, r) => {
      const csvRun = rows.filter((x) => x[0] === String(r + 1));
      expect(csvRun.map((x) => Number(x[col('pi_rej')]))).toEqual(run.metrics.pi_rej); // full precision
      expect(csvRun.map((x) => Number(x[col('h/3')]))).toEqual(run.metrics['h/3']);
      if (r === 2) return; // hidden: not plotted
      const name = piRej.keys.find((k) => k.key === `r${r}`)!.name;
      // The page takes log10 in Chromium's V8, the test in Node's: the last bit may differ.
      expectAllClose(seriesOf(piRej, name), run.metrics.pi_rej!.map((v) => Math.log10(v)), { rel: 1e-12 }, `${name} log10 pi_rej`);
      expectAllClose(seriesOf(sigma, name), run.metrics.sigma_margin!, { rel: 1e-12 }, `${name} sigma`);
    });
  });

  it('exports a chart as a PNG with its title and legend', async () => {
    const png = await download(pageA, () => pageA.click('#pi-rej .chart-png'));
    expect(png.name).toBe('dpo-ipo-lab-pi-rej.png');
    const img = PNG.sync.read(png.bytes);
    expect(img.width).toBeGreaterThan(600);
    const stats = pixelStats(png.bytes);
    expect(stats.inked).toBeGreaterThan(0.03);
    expect(stats.colours).toBeGreaterThan(20);
  });

  it('exports weights as safetensors and imports them back, by picker or drop, refusing bad files', async () => {
    const page = pageA;
    await openPanel(page, 'Export and weights');
    await page.selectOption('select[aria-label="Weights to export"]', 'initial-policy');
    const init = await download(page, () => page.click('[data-testid=export-weights]'));
    expect(init.name).toBe('policy-init.safetensors');
    const headerLen = Number(init.bytes.readBigUInt64LE(0));
    expect(JSON.parse(init.bytes.subarray(8, 8 + headerLen).toString())['lm_head.weight'].shape).toEqual([32, 32]);

    // A wrong file: refused with its reason, nothing restarts.
    const before = await page.getAttribute('[data-testid=status]', 'data-step');
    await page.setInputFiles('[data-testid=import-policy]', { name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not weights at all') });
    await page.waitForSelector('[data-testid=notice]:has-text("notes.safetensors was not loaded")');
    expect(await page.getAttribute('[data-testid=status]', 'data-step')).toBe(before);
    expect(await page.textContent('[data-testid=drop-policy]')).toMatch(/seeded/);

    // The exported initial policy, dropped on the policy line: the same run again.
    await page.evaluate(async (bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'policy-init.safetensors'));
      document.querySelector('[data-testid=drop-policy]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [...init.bytes]);
    await page.waitForSelector('[data-testid=drop-policy] strong:has-text("imported")');
    await waitForState(page, ['idle']);
    await page.click('[data-testid=run]');
    await waitForState(page, ['done']);
    const again = await exportJson(page);
    expect(again.runs.map((r) => r.metrics)).toEqual(jsonFromA.runs.map((r) => r.metrics));
  });
});

describe('the built site', () => {
  it('works from a sub-path with every request on its own origin', async () => {
    const page = await env.browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const lab = await openLab(env.browser, `${env.server.url}#v=1&s=broken`);
    lab.page.on('request', (r) => requests.push(r.url()));
    await lab.page.click('[data-testid=step]');
    await lab.page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '1');
    expect(await lab.page.locator('[data-testid=notice]').first().textContent()).toMatch(/Link: the link's experiment is damaged/);
    const foreign = requests.filter((u) => !u.startsWith(env.server.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(env.server.requests.every((p) => p.startsWith('/lab/'))).toBe(true);
    expect(env.server.requests.some((p) => p.endsWith('.wasm'))).toBe(true);
    expect(lab.errors).toEqual([]);
    await page.close();
    await lab.page.close();
  });

  it('keeps working offline once loaded', async () => {
    const ctx = await env.browser.newContext();
    const lab = await openLab(ctx as unknown as Browser, env.server.url);
    const cached = await lab.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const names = await caches.keys();
      let n = 0;
      for (const name of names) n += (await (await caches.open(name)).keys()).length;
      return n;
    });
    expect(cached).toBeGreaterThan(10);
    await ctx.setOffline(true);
    await lab.page.reload();
    await waitForState(lab.page, ['idle']);
    await lab.page.click('[data-testid=step]');
    await lab.page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '1');
    expect(await lab.page.textContent('h1')).toMatch(/DPO\/IPO Lab/);
    await ctx.close();
  });
});
